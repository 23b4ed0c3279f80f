package dev.pgvault.repository;

import dev.pgvault.testing.MotoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole contract, races included, against moto_server, which enforces S3's conditional
 * writes (If-None-Match, If-Match on put, delete and multipart completion) as AWS does.
 */
class MotoS3StoreTest extends BackupStoreContract implements BackupCatalogContract, ConditionalRaceContract {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static S3Client s3;

    @BeforeAll
    static void connect() {
        s3 = S3Retries.configure(MOTO.clientBuilder()).build();
    }

    @AfterAll
    static void disconnect() {
        s3.close();
    }

    @Override
    public BackupStore store() {
        return new S3Store(s3, MOTO.newBucket(), "team/prod");
    }

    /** moto reports every multipart upload as initiated at one fixed date in 2010. */
    @Override
    protected boolean reportsUploadStartTimes() {
        return false;
    }
}
