package dev.pgvault.repository;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.ManifestCodec;
import dev.pgvault.errors.BackupNotFoundException;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.repository.BackupCatalog.Incomplete;
import dev.pgvault.repository.BackupCatalog.Why;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The catalog over each store: what is a backup, what is an interrupted run, and which backup
 * "latest" means. The objects are written the way pgvault writes them (object, then manifest;
 * lock and verification record beside them).
 */
interface BackupCatalogContract {
    String DAILY = "daily/auth-db-backup-2026-11-24.sql.gz";

    BackupStore store();

    @Test
    default void sidecarsAreNeverBackups() {
        BackupStore store = store();
        store.put(DAILY, "backup".getBytes(UTF_8));
        store.put(DAILY + ".manifest.json", manifest(DAILY, "auth-db", "2026-11-24T02:00:05Z"));
        store.put(DAILY + ".verification.json", "{\"status\":\"OK\"}".getBytes(UTF_8));
        store.put(DAILY + ".lock", "{\"runId\":\"r1\"}".getBytes(UTF_8));
        store.put(DAILY + ".manifest.json.sig", "signature".getBytes(UTF_8));

        BackupCatalog catalog = new BackupCatalog(store);
        assertThat(catalog.list()).extracting(e -> e.key().key()).containsExactly(DAILY);
        assertThat(catalog.list().get(0).verification()).isPresent();
        assertThat(catalog.incomplete()).isEmpty();
    }

    @Test
    default void interruptedRunsAreIncompleteAndNothingElseIs() throws Exception {
        BackupStore store = store();
        String noManifest = "daily/auth-db-backup-2026-11-23.sql.gz.enc";
        store.put(noManifest, "half a run".getBytes(UTF_8));
        String uploading = "manual/auth-db-manual-2026-11-24-101530.sql.gz.gpg";
        store.put("daily/auth-db-backup-2026-11-22.sql.gz.lock", "{}".getBytes(UTF_8)); // a lock alone
        store.put("daily/auth-db-backup-2026-11-21.sql.gz.manifest.json", // a manifest whose object is gone
                manifest("daily/auth-db-backup-2026-11-21.sql.gz", "auth-db", "2026-11-21T02:00:00Z"));
        try (PendingObject killed = store.create(uploading, -1);
                PendingObject notABackup = store.create("config/settings.json", -1)) {
            killed.write("partial".getBytes(UTF_8));
            notABackup.write("{}".getBytes(UTF_8));

            BackupCatalog catalog = new BackupCatalog(store);
            assertThat(catalog.list()).isEmpty();
            List<Incomplete> incomplete = catalog.incomplete();
            assertThat(incomplete).extracting(Incomplete::key, Incomplete::why)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(noManifest, Why.NO_MANIFEST),
                            org.assertj.core.groups.Tuple.tuple(uploading, Why.UNFINISHED_UPLOAD));
            assertThat(incomplete.get(0).size()).isEqualTo(10L);
            assertThat(incomplete).allSatisfy(i -> assertThat(i.since()).isNotNull());
        }
        assertThat(new BackupCatalog(store).incomplete()).extracting(Incomplete::key).containsExactly(noManifest);
    }

    @Test
    default void latestIsTheNewestSnapshotOfThatName() {
        BackupStore store = store();
        // The daily is named 00:00 but taken at 02:00: newer than a manual one taken at 01:00.
        backup(store, DAILY, "auth-db", "2026-11-24T02:00:05Z");
        backup(store, "manual/auth-db-manual-2026-11-24-010000.sql.gz", "auth-db", "2026-11-24T01:00:03Z");
        // Another database in the same bucket, with a later backup.
        backup(store, "manual/billing-db-manual-2026-11-24-230000.sql.gz", "billing-db", "2026-11-24T23:00:02Z");
        // Days older than the newest key: its manifest is never read (it would not decode).
        store.put("daily/auth-db-backup-2026-11-20.sql.gz", "old".getBytes(UTF_8));
        store.put("daily/auth-db-backup-2026-11-20.sql.gz.manifest.json", "not a manifest".getBytes(UTF_8));

        BackupCatalog catalog = new BackupCatalog(store);
        assertThat(catalog.latest("auth-db")).get().extracting(e -> e.key().key()).isEqualTo(DAILY);
        assertThat(catalog.latest("billing-db")).get().extracting(e -> e.key().key())
                .isEqualTo("manual/billing-db-manual-2026-11-24-230000.sql.gz");
        assertThat(catalog.latest("auth")).isEmpty();
        assertThat(catalog.resolve(BackupCatalog.LATEST, "auth-db")).isEqualTo(DAILY);

        // A manual backup later that day is newer than the daily.
        backup(store, "manual/auth-db-manual-2026-11-24-150000.sql.gz", "auth-db", "2026-11-24T15:00:01Z");
        assertThat(catalog.resolve(BackupCatalog.LATEST, "auth-db"))
                .isEqualTo("manual/auth-db-manual-2026-11-24-150000.sql.gz");
    }

    @Test
    default void latestWithoutANameIsRefusedWhenTheRepositoryHoldsSeveral() {
        BackupStore store = store();
        backup(store, DAILY, "auth-db", "2026-11-24T02:00:05Z");
        BackupCatalog catalog = new BackupCatalog(store);
        assertThat(catalog.resolve(BackupCatalog.LATEST, null)).isEqualTo(DAILY); // one name: unambiguous

        backup(store, "daily/billing-db-backup-2026-11-25.sql.gz", "billing-db", "2026-11-25T02:00:05Z");
        assertThatThrownBy(() -> catalog.resolve(BackupCatalog.LATEST, null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("auth-db, billing-db");
        assertThatThrownBy(() -> catalog.resolve(BackupCatalog.LATEST))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("backup name");
    }

    @Test
    default void resolveAcceptsOnlyCompleteBackups() {
        BackupStore store = store();
        backup(store, DAILY, "auth-db", "2026-11-24T02:00:05Z");
        store.put("daily/auth-db-backup-2026-11-25.sql.gz", "interrupted".getBytes(UTF_8));
        BackupCatalog catalog = new BackupCatalog(store);

        assertThat(catalog.resolve(DAILY)).isEqualTo(DAILY);
        assertThatThrownBy(() -> catalog.resolve(DAILY + ".manifest.json"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("is not a backup key");
        assertThatThrownBy(() -> catalog.resolve("daily/auth-db-backup-2026-11-25.sql.gz"))
                .isInstanceOf(BackupNotFoundException.class).hasMessageContaining("has no manifest");
        assertThatThrownBy(() -> catalog.resolve("daily/auth-db-backup-2026-11-26.sql.gz"))
                .isInstanceOf(BackupNotFoundException.class).hasMessageContaining("no backup");
    }

    private static void backup(BackupStore store, String key, String name, String snapshot) {
        store.put(key, ("backup " + key).getBytes(UTF_8));
        store.put(key + ".manifest.json", manifest(key, name, snapshot));
    }

    private static byte[] manifest(String key, String name, String snapshot) {
        Instant at = Instant.parse(snapshot);
        return ManifestCodec.encode(new Manifest(Manifest.FORMAT_VERSION, "pgvault test", key,
                BackupKey.parse(key).orElseThrow().kind().toString(), name,
                new Manifest.Database("auth", "15.18", 150018), null, at, null, at, at.plusSeconds(5), 5_000, 100, 10,
                "0".repeat(64), new Manifest.CompressionInfo("gzip", 6), null, "sha256-row-sum-v1", List.of(), null,
                null, null, null));
    }
}
