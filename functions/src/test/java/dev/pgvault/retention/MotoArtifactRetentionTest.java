package dev.pgvault.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.repository.ArtifactKey.Form;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.ObjectLock;
import dev.pgvault.repository.S3Retries;
import dev.pgvault.repository.S3Store;
import dev.pgvault.run.Cancellation;
import dev.pgvault.testing.MotoServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Config and code retention on moto_server, in versioned Object Lock buckets: deletes remove every
 * version; a file under a retention that has not passed is left, with its sidecars, and reported.
 */
class MotoArtifactRetentionTest extends ArtifactRetentionContract {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();
    private S3Client s3;

    private S3Client s3() {
        if (s3 == null) {
            s3 = S3Retries.configure(MOTO.clientBuilder()).build();
        }
        return s3;
    }

    @AfterEach
    void disconnect() {
        if (s3 != null) {
            s3.close();
            s3 = null;
        }
    }

    @Override
    BackupStore store() {
        return new S3Store(s3(), MOTO.newObjectLockBucket(), "team/prod");
    }

    @Test
    void aLockedFileIsNeverDeletedAndTheRunSaysSo() {
        String bucket = MOTO.newObjectLockBucket();
        BackupStore locked = new S3Store(s3(), bucket, "", ObjectLock.days(ObjectLock.Mode.GOVERNANCE, 1));
        List<String> config = fortyFiveDays(locked);
        String code = artifact(locked, Form.CODE_BUNDLE, "auth-service", 0, true);

        List<TieringReport> reports = new ArtifactRetention(locked).run(POLICIES, TieringContract.NOW, false,
                Cancellation.none());

        TieringReport ofConfig = reports.get(0);
        assertThat(ofConfig.plan().deletions()).hasSize(15);
        assertThat(ofConfig.count(Applied.What.DELETED)).isZero();
        assertThat(ofConfig.count(Applied.What.LOCKED)).isEqualTo(15);
        assertThat(ofConfig.applied()).filteredOn(a -> a.what() == Applied.What.LOCKED)
                .allMatch(a -> a.detail().contains("under Object Lock until"));
        for (String key : List.of(config.get(0), Sidecar.MANIFEST.keyFor(config.get(0)),
                Sidecar.MANIFEST_SIGNATURE.keyFor(config.get(0)), code)) {
            assertThat(s3().listObjectVersions(b -> b.bucket(bucket).prefix(key)).versions())
                    .as(key).anyMatch(v -> v.key().equals(key));
        }
        assertThat(reports.get(1).plan().deletions()).isEmpty();
    }
}
