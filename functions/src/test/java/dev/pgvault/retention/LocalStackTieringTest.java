package dev.pgvault.retention;

import dev.pgvault.testing.LocalStackS3;
import dev.pgvault.testing.S3Emulator;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The Object Lock tiering contract on LocalStack. Skipped, with the reason in the test report, where
 * no Docker engine answers (the build machines here): {@link MotoTieringTest} runs it there.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackTieringTest extends ObjectLockTieringContract {
    @Container
    static final LocalStackContainer LOCALSTACK = LocalStackS3.container();

    @Override
    S3Emulator emulator() {
        return new LocalStackS3(LOCALSTACK);
    }
}
