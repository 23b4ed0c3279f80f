package dev.pgvault.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.Manifest;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.BackupFailedException;
import dev.pgvault.errors.UnsupportedObjectException;
import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.repository.StoredObject;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.DataFingerprint;
import dev.pgvault.testing.PgTools;
import dev.pgvault.testing.RecordingMetrics;
import dev.pgvault.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class BackupServiceTest {
    private static final Instant NOON = Instant.parse("2026-11-24T12:00:00Z");

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    private DirectoryStore store;
    private final RecordingMetrics metrics = new RecordingMetrics();

    @BeforeEach
    void setUp() throws Exception {
        store = new DirectoryStore(repo);
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 200);
        }
    }

    private BackupService service(Instant now) {
        return new BackupService(store, db::connect, metrics, Clock.fixed(now, ZoneOffset.UTC), DumpOptions.defaults());
    }

    private static BackupRequest daily() {
        return BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 6, Duration.ofMinutes(15));
    }

    @Test
    void dailyBackupIsNamedAsTheRunbookAndRestoresWithGunzipAndPsql() throws Exception {
        BackupOutcome outcome = service(NOON).run(daily(), DumpProgress.NONE);

        assertThat(outcome.key()).isEqualTo("daily/auth-db-backup-2026-11-24.sql.gz");
        assertThat(repo.resolve("daily/auth-db-backup-2026-11-24.sql.gz")).exists();
        assertThat(repo.resolve("daily/auth-db-backup-2026-11-24.sql.gz.manifest.json")).exists();
        assertThat(repo.resolve("daily/auth-db-backup-2026-11-24.sql.gz.lock")).doesNotExist();
        Manifest manifest = outcome.manifest();
        assertThat(manifest.storedBytes()).isEqualTo(Files.size(repo.resolve(outcome.key())));
        assertThat(manifest.sha256()).isEqualTo(sha256(repo.resolve(outcome.key())));
        assertThat(manifest.tables()).extracting(Manifest.Table::name).containsExactly("refresh_tokens", "users");
        assertThat(manifest.tables().get(1).rows()).isEqualTo(200);
        assertThat(manifest.compression().algorithm()).isEqualTo("gzip");
        assertThat(manifest.database().serverVersionNum()).isGreaterThanOrEqualTo(130000);
        assertThat(metrics.events).containsExactly("succeeded daily rows=" + manifest.totalRows());

        // The seed runbook's own restore: gunzip, then psql.
        String target = db.newDatabase();
        PgTools tools = PgTools.forServer(db.server());
        PgTools.Result restored = PgTools.run(List.of("bash", "-c", "set -o pipefail; gunzip -c '"
                + repo.resolve(outcome.key()) + "' | '" + tools.bin().resolve("psql") + "' -X -q -v ON_ERROR_STOP=1 -d '"
                + db.server().libpqUrl(target) + "'"));
        assertThat(restored.exitCode()).as(restored.stderr()).isZero();
        try (Connection source = db.connect(); Connection copy = db.server().connect(target)) {
            assertThat(DataFingerprint.of(copy)).isEqualTo(DataFingerprint.of(source));
        }
    }

    @Test
    void manualBackupGoesToManualWithSeconds() {
        BackupOutcome outcome = service(Instant.parse("2026-11-24T10:15:30Z")).run(
                BackupRequest.unencrypted(BackupKind.MANUAL, "auth-db", 6, Duration.ofHours(1)), DumpProgress.NONE);
        assertThat(outcome.key()).isEqualTo("manual/auth-db-manual-2026-11-24-101530.sql.gz");
        assertThat(new BackupCatalog(store).list()).extracting(e -> e.key().key()).containsExactly(outcome.key());
    }

    @Test
    void secondRunOnTheSameDayChangesNothing() throws Exception {
        BackupOutcome first = service(NOON).run(daily(), DumpProgress.NONE);
        byte[] before = Files.readAllBytes(repo.resolve(first.key()));
        db.execute("INSERT INTO users (email, password_hash) VALUES ('late@example.com', 'x')");

        BackupOutcome second = service(NOON.plusSeconds(3600)).run(daily(), DumpProgress.NONE);

        assertThat(second.written()).isFalse();
        assertThat(second.status()).isEqualTo(BackupOutcome.Status.ALREADY_COMPLETE);
        assertThat(Files.readAllBytes(repo.resolve(first.key()))).isEqualTo(before);
        assertThat(metrics.events).hasSize(1);
    }

    @Test
    void aRunFindingALiveLockStandsDownAndAStaleOneIsTakenOver() {
        String lock = "daily/auth-db-backup-2026-11-24.sql.gz.lock";
        store.put(lock, ("{\"runId\":\"other\",\"expiresAt\":\"" + NOON.plusSeconds(600) + "\"}").getBytes());

        BackupOutcome blocked = service(NOON).run(daily(), DumpProgress.NONE);
        assertThat(blocked.written()).isFalse();
        assertThat(blocked.status()).isEqualTo(BackupOutcome.Status.HELD);
        assertThat(store.stat("daily/auth-db-backup-2026-11-24.sql.gz")).isEmpty();

        BackupOutcome later = service(NOON.plusSeconds(601)).run(daily(), DumpProgress.NONE);
        assertThat(later.written()).isTrue();
        assertThat(store.stat(lock)).isEmpty();
    }

    @Test
    void connectionDyingMidDumpLeavesNothingAndReportsTheFailure() throws Exception {
        db.execute("INSERT INTO users (email, password_hash) SELECT 'bulk' || g || '@x.io', 'h'"
                + " FROM generate_series(1, 30000) g");
        DumpProgress killer = new DumpProgress() {
            @Override
            public void tableRows(String table, long rows, long bytes) {
                if (table.equals("public.users") && rows >= 10_000) {
                    db.execute("postgres", "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                            + " WHERE datname = '" + db.name() + "' AND application_name = 'pgvault-under-test'");
                }
            }
        };
        BackupService service = new BackupService(store, () -> {
            Connection c = db.connect();
            try (Statement st = c.createStatement()) {
                st.execute("SET application_name = 'pgvault-under-test'");
            }
            return c;
        }, metrics, Clock.fixed(NOON, ZoneOffset.UTC), DumpOptions.defaults());

        assertThatThrownBy(() -> service.run(daily(), killer))
                .isInstanceOf(BackupFailedException.class)
                .hasMessageContaining("daily/auth-db-backup-2026-11-24.sql.gz")
                .hasMessageContaining("lost the connection")
                .hasMessageContaining("nothing was stored");
        assertThat(allFiles()).isEmpty();
        assertThat(metrics.events).containsExactly("failed daily Dump");
    }

    @Test
    void unsupportedObjectsAreNamedAndNothingIsWritten() {
        // Objects the dump does not reproduce yet (docs/dump-coverage.md lists them).
        db.execute("CREATE FUNCTION public.same(integer, integer) RETURNS boolean LANGUAGE sql AS 'SELECT $1 = $2';"
                + " CREATE OPERATOR public.=== (LEFTARG = integer, RIGHTARG = integer, FUNCTION = public.same);"
                + " CREATE TEXT SEARCH CONFIGURATION public.search (COPY = english);");
        assertThatThrownBy(() -> service(NOON).run(daily(), DumpProgress.NONE))
                .isInstanceOf(UnsupportedObjectException.class)
                .hasMessageContaining("operator public.===(integer,integer)")
                .hasMessageContaining("text search configuration search")
                .hasMessageContaining("Nothing was written");
        assertThat(allFiles()).isEmpty();
        assertThat(metrics.events).containsExactly("failed daily UnsupportedObject");
    }

    private List<StoredObject> allFiles() {
        return store.list("");
    }

    static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

}
