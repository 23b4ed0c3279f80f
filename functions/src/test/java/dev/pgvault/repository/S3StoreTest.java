package dev.pgvault.repository;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.testing.SharedS3;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;

class S3StoreTest extends BackupStoreContract {
    private static final S3Client S3 = SharedS3.client();
    private String bucket;

    @AfterAll
    static void closeClient() {
        S3.close();
    }

    @Override
    protected BackupStore store() {
        bucket = SharedS3.newBucket();
        return new S3Store(S3, bucket, "team/prod");
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
}
