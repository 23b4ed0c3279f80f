package dev.pgvault.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class BackupKeyTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "daily/auth-db-backup-2026-11-24.sql.gz",
            "daily/auth-db-backup-2026-11-24.sql.gz.enc",
            "daily/auth-db-backup-2026-11-24.sql.gz.gpg",
            "manual/auth-db-manual-2026-11-24-101530.sql.gz",
            "weekly/billing-backup-2026-11-22.sql.gz.gpg"})
    void backupObjectsParseAndRoundTrip(String key) {
        assertThat(BackupKey.parse(key)).get().extracting(BackupKey::key).isEqualTo(key);
    }

    /** Sidecars and strangers: never a backup, so never listed as one, complete or not. */
    @ParameterizedTest
    @ValueSource(strings = {
            "daily/auth-db-backup-2026-11-24.sql.gz.manifest.json",
            "daily/auth-db-backup-2026-11-24.sql.gz.verification.json",
            "daily/auth-db-backup-2026-11-24.sql.gz.lock",
            "daily/auth-db-backup-2026-11-24.sql.gz.manifest.json.sig",
            "daily/auth-db-backup-2026-11-24.sql.gz.enc.manifest.json",
            "daily/auth-db-backup-2026-11-24.sql.gz.tmp",
            "daily/auth-db-backup-2026-11-24.sql",
            "daily/auth-db-backup-2026-11-24.sql.bz2",
            "daily/auth-db-manual-2026-11-24.sql.gz",
            "manual/auth-db-manual-2026-11-24.sql.gz",
            "config/auth-db-backup-2026-11-24.sql.gz"})
    void anythingElseIsNotABackupKey(String key) {
        assertThat(BackupKey.parse(key)).isEmpty();
    }

    @Test
    void sidecarKeysAreTheObjectKeyAndTheDeclaredSuffix() {
        BackupKey key = BackupKey.parse("daily/auth-db-backup-2026-11-24.sql.gz.enc").orElseThrow();
        assertThat(key.manifestKey()).isEqualTo("daily/auth-db-backup-2026-11-24.sql.gz.enc.manifest.json");
        assertThat(key.verificationKey()).isEqualTo("daily/auth-db-backup-2026-11-24.sql.gz.enc.verification.json");
        assertThat(key.lockKey()).isEqualTo("daily/auth-db-backup-2026-11-24.sql.gz.enc.lock");
    }

    @Test
    void aKeyWithAnUndeclaredSuffixCannotBeMade() {
        assertThatThrownBy(() -> BackupKey.create(BackupKind.DAILY, "auth-db", Instant.now(), ".sql.gz.manifest.json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a backup object suffix");
        assertThat(BackupKey.create(BackupKind.DAILY, "auth-db", Instant.parse("2026-11-24T02:00:07Z"), ".sql.gz").time())
                .isEqualTo(LocalDateTime.parse("2026-11-24T00:00:00"));
    }
}
