package dev.pgvault.retention;

import dev.pgvault.testing.MotoServer;
import dev.pgvault.testing.S3Emulator;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Object Lock tiering contract on moto_server, which runs wherever Python's moto is installed. */
class MotoTieringTest extends ObjectLockTieringContract {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    @Override
    S3Emulator emulator() {
        return MOTO;
    }
}
