package dev.pgvault.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.ObjectLock;
import dev.pgvault.repository.S3Retries;
import dev.pgvault.repository.S3Store;
import dev.pgvault.testing.S3Emulator;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The tiering contract on an emulator that enforces Object Lock, in versioned, lock-enabled buckets;
 * and with backups written under a one-day governance retention that has not passed: the plan's
 * deletes are all refused and reported, never sent, and retention is extended on promotion.
 */
abstract class ObjectLockTieringContract extends TieringContract {
    private S3Client s3;

    abstract S3Emulator emulator();

    private S3Client s3() {
        if (s3 == null) {
            s3 = S3Retries.configure(emulator().clientBuilder()).build();
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

    /** Versioned, lock-enabled, but the contract's backups are written without retention. */
    @Override
    BackupStore store() {
        return new S3Store(s3(), emulator().newObjectLockBucket(), "team/prod");
    }

    @Override
    boolean hasTags() {
        return true;
    }

    @Test
    void aLockedVersionIsNeverDeletedAndTheRunSaysSo() {
        S3Client s3 = s3();
        String bucket = emulator().newObjectLockBucket();
        BackupStore locked = new S3Store(s3, bucket, "", ObjectLock.days(ObjectLock.Mode.GOVERNANCE, 1));
        List<String> all = fortyFiveDays(locked);

        TieringReport report = new TieringService(locked).run("auth-db", POLICY, NOW, false);

        assertThat(report.plan().deletions()).isNotEmpty();
        assertThat(report.count(Applied.What.DELETED)).isZero();
        assertThat(report.count(Applied.What.LOCKED)).isEqualTo(report.plan().deletions().size());
        assertThat(report.applied()).filteredOn(a -> a.what() == Applied.What.LOCKED)
                .allMatch(a -> a.detail().contains("under Object Lock until"));
        for (String key : all) {
            assertThat(s3.listObjectVersions(b -> b.bucket(bucket).prefix(key)).versions())
                    .as(key).anyMatch(v -> v.key().equals(key));
        }
        // Kept backups of closed weeks have their lock extended to the end of their window, object and manifest alike.
        Decision weekly = report.plan().kept().stream()
                .filter(d -> d.roles().containsKey(Role.WEEKLY) && !d.roles().containsKey(Role.DAILY))
                .findFirst().orElseThrow();
        for (String key : List.of(weekly.key(), Sidecar.MANIFEST.keyFor(weekly.key()),
                Sidecar.MANIFEST_SIGNATURE.keyFor(weekly.key()))) {
            Instant until = s3.headObject(b -> b.bucket(bucket).key(key)).objectLockRetainUntilDate();
            assertThat(until).as(key).isEqualTo(weekly.retainUntil());
        }
        assertThat(weekly.retainUntil()).isAfter(NOW.plus(30, ChronoUnit.DAYS));
        // The next day the same deletes are refused again, once each: reported, not retried in a loop.
        TieringReport again = new TieringService(locked).run("auth-db", POLICY, NOW, false);
        assertThat(again.count(Applied.What.LOCKED)).isEqualTo(report.count(Applied.What.LOCKED));
        assertThat(again.extended()).isZero();
        assertThat(report.extended()).isPositive();
    }
}
