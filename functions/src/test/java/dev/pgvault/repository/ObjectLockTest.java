package dev.pgvault.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.repository.BackupArtifacts.Sidecar;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which keys the catalog keeps under Object Lock, and the retain-until date a write gets. */
class ObjectLockTest {
    @Test
    void backupsManifestsAndSignaturesAreRetainedLocksAndTheRestAreNot() {
        for (String backup : new String[] {"daily/auth-db-backup-2026-11-24.sql.gz",
                "manual/auth-db-manual-2026-11-24-101530.sql.gz.enc", "weekly/auth-db-backup-2026-11-23.sql.gz.gpg"}) {
            assertThat(BackupArtifacts.retainedUnderObjectLock(backup)).as(backup).isTrue();
            assertThat(BackupArtifacts.retainedUnderObjectLock(Sidecar.MANIFEST.keyFor(backup))).as(backup).isTrue();
            assertThat(BackupArtifacts.retainedUnderObjectLock(Sidecar.MANIFEST_SIGNATURE.keyFor(backup))).as(backup).isTrue();
            assertThat(BackupArtifacts.retainedUnderObjectLock(Sidecar.LOCK.keyFor(backup))).as(backup).isFalse();
            assertThat(BackupArtifacts.retainedUnderObjectLock(Sidecar.VERIFICATION.keyFor(backup))).as(backup).isFalse();
        }
        for (String other : new String[] {"daily/notes.txt", "daily/x.manifest.json", "daily/auth-db-backup-2026-11-24.sql.gz.tmp",
                "config/kube.tar.gz.enc", "", "daily/auth-db-backup-2026-11-24.sql.gz.manifest.json.lock"}) {
            assertThat(BackupArtifacts.retainedUnderObjectLock(other)).as(other).isFalse();
        }
        assertThat(BackupArtifacts.retainedUnderObjectLock(null)).isFalse();
    }

    @Test
    void retainUntilIsTheFullRetentionAheadInWholeSeconds() {
        ObjectLock lock = ObjectLock.days(ObjectLock.Mode.GOVERNANCE, 30);
        assertThat(lock.retainUntil(Instant.parse("2026-11-24T02:00:03Z"))).isEqualTo(Instant.parse("2026-12-24T02:00:03Z"));
        assertThat(lock.retainUntil(Instant.parse("2026-11-24T02:00:03.001Z"))).isEqualTo(Instant.parse("2026-12-24T02:00:04Z"));
        assertThat(lock).hasToString("governance for 30 days");
    }

    @Test
    void modesParseAndNonsenseIsRefused() {
        assertThat(ObjectLock.Mode.parse(" Compliance ")).isEqualTo(ObjectLock.Mode.COMPLIANCE);
        assertThatThrownBy(() -> ObjectLock.Mode.parse("none")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ObjectLock(ObjectLock.Mode.GOVERNANCE, Duration.ofHours(23)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one day");
    }
}
