package dev.pgvault.repository;

import dev.pgvault.testing.MotoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The whole store contract, races included, in a bucket with S3 Object Lock and the store putting
 * retention on what it writes: Object Lock changes nothing a run relies on (conditional writes,
 * replacing a lock, deleting by key, listing, unfinished uploads).
 */
class MotoObjectLockStoreTest extends BackupStoreContract implements BackupCatalogContract, ConditionalRaceContract {
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
        return new S3Store(s3, MOTO.newObjectLockBucket(), "team/prod", ObjectLock.days(ObjectLock.Mode.GOVERNANCE, 1));
    }

    /** moto reports every multipart upload as initiated at one fixed date in 2010. */
    @Override
    protected boolean reportsUploadStartTimes() {
        return false;
    }
}
