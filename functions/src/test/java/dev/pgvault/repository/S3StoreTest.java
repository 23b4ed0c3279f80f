package dev.pgvault.repository;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.testing.SharedS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;

/**
 * The contract against S3Mock (in-process). Races are not run here: S3Mock checks preconditions
 * but not atomically (see {@link ConditionalRaceContract}); {@link MotoS3StoreTest} runs them.
 */
class S3StoreTest extends BackupStoreContract implements BackupCatalogContract {
    private static final S3Client S3 = SharedS3.client();
    private String bucket;

    @AfterAll
    static void closeClient() {
        S3.close();
    }

    @Override
    public BackupStore store() {
        bucket = SharedS3.newBucket();
        return new S3Store(S3, bucket, "team/prod");
    }

    /**
     * S3Mock 5.2.0 deletes an existing object when an upload of the same key is aborted (real S3
     * and moto leave it); the contract checks the object survives against moto and the directory.
     */
    @Override
    protected boolean abortLeavesAnExistingObjectAlone() {
        return false;
    }

    @Test
    void objectsLiveUnderThePrefix() {
        BackupStore store = store();
        store.put("daily/a", new byte[] {7});
        assertThat(S3.listObjectsV2(b -> b.bucket(bucket)).contents())
                .extracting(o -> o.key()).containsExactly("team/prod/daily/a");
        assertThat(store.location()).isEqualTo("s3://" + bucket + "/team/prod");
    }

    @Test
    void abortLeavesNoMultipartUploadBehind() throws Exception {
        BackupStore store = store();
        PendingObject pending = store.create("daily/big", -1);
        pending.write(randomBytes(17 << 20));
        pending.abort();
        assertThat(S3.listMultipartUploads(ListMultipartUploadsRequest.builder().bucket(bucket).build()).uploads())
                .isEmpty();
    }

    @Test
    void unfinishedUploadsOutsideThePrefixAreNotListed() {
        BackupStore store = store();
        S3.createMultipartUpload(b -> b.bucket(bucket).key("team/other/daily/x.sql.gz"));
        assertThat(store.listUnfinished("")).isEmpty();
    }
}
