package dev.pgvault.retention;

import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.S3Store;
import dev.pgvault.testing.SharedS3;
import org.junit.jupiter.api.AfterAll;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 protocol server (S3Mock): tags, versions listed and deleted by id. */
class S3MockTieringTest extends TieringContract {
    private static final S3Client S3 = SharedS3.client();

    @AfterAll
    static void closeClient() {
        S3.close();
    }

    @Override
    BackupStore store() {
        return new S3Store(S3, SharedS3.newBucket(), "team/prod");
    }

    @Override
    boolean hasTags() {
        return true;
    }
}
