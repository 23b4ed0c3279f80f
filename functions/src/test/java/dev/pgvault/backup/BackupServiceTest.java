package dev.pgvault.backup;

import static org.assertj.core.api.Assertions.assertThat;
import dev.pgvault.testing.TestSigning;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.Manifest;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.BackupFailedException;
import dev.pgvault.archive.Compression;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.errors.RunCancelledException;
import dev.pgvault.errors.UnsupportedObjectException;
import dev.pgvault.errors.WrongSourceException;
import dev.pgvault.run.Cancellation;
import dev.pgvault.run.GuardedRun;
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
        return new BackupService(store, db::connect, metrics, Clock.fixed(now, ZoneOffset.UTC), DumpOptions.defaults(), TestSigning.key());
    }

    /** Short leases, so that watching a lock takes a second, not a minute. */
    private BackupService quickLeases(Instant now) {
        return new BackupService(store, db::connect, metrics, Clock.fixed(now, ZoneOffset.UTC), DumpOptions.defaults(), TestSigning.key(),
                new LeaseTimes(Duration.ofMillis(800), Duration.ofMillis(200)));
    }

    /** Through the run wrapper, as the handler and CLI run it: failures are reported there. */
    private BackupOutcome guarded(BackupService service, BackupRequest request, DumpProgress progress,
                                  Cancellation cancellation) {
        return new GuardedRun(metrics, Clock.systemUTC()).run(cancellation, scope -> {
            scope.kind(request.kind().toString());
            return service.run(request, progress, scope.cancellation());
        });
    }

    private static BackupRequest daily() {
        return BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 6);
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
                BackupRequest.unencrypted(BackupKind.MANUAL, "auth-db", 6), DumpProgress.NONE);
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
        assertThat(metrics.events).containsExactly("succeeded daily rows=" + first.manifest().totalRows(),
                "skipped daily ALREADY_COMPLETE");
    }

    @Test
    void aRunFindingALiveLockStandsDownAfterSeeingItRenewed() throws Exception {
        String lock = "daily/auth-db-backup-2026-11-24.sql.gz.lock";
        store.putIfAbsent(lock, lease("other", NOON.plusSeconds(600), 0));
        // A live holder renews its lease; this thread plays one.
        Thread holder = Thread.ofPlatform().daemon().start(() -> {
            for (int beat = 1; !Thread.currentThread().isInterrupted(); beat++) {
                store.put(lock, lease("other", NOON.plusSeconds(600), beat));
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            BackupOutcome blocked = quickLeases(NOON).run(daily(), DumpProgress.NONE);
            assertThat(blocked.status()).isEqualTo(BackupOutcome.Status.HELD);
            assertThat(blocked.holder().runId()).isEqualTo("other");
            assertThat(blocked.holder().owner()).isEqualTo("pgvault on elsewhere (pid 1)");
            assertThat(blocked.holder().expiresAt()).isEqualTo(NOON.plusSeconds(600));
        } finally {
            holder.interrupt();
            holder.join();
        }
        assertThat(store.stat("daily/auth-db-backup-2026-11-24.sql.gz")).isEmpty();
        assertThat(metrics.events).containsExactly("skipped daily HELD");
    }

    @Test
    void aLockNobodyRenewsIsTakenOverWithinALeaseWhateverItsExpirySays() {
        // A killed run (kill -9) left a lock claiming hours; it is never renewed.
        String lock = "daily/auth-db-backup-2026-11-24.sql.gz.lock";
        store.putIfAbsent(lock, lease("dead", NOON.plus(Duration.ofHours(6)), 0));
        long started = System.nanoTime();

        BackupOutcome outcome = quickLeases(NOON).run(daily(), DumpProgress.NONE);

        assertThat(outcome.status()).isEqualTo(BackupOutcome.Status.WRITTEN);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        assertThat(store.stat(lock)).isEmpty();
    }

    @Test
    void aRunTakingOverADeadRunsKeyDiscardsItsUnfinishedUpload() throws Exception {
        String lock = "daily/auth-db-backup-2026-11-24.sql.gz.lock";
        store.putIfAbsent(lock, lease("dead", NOON.minusSeconds(1), 3));
        var dead = store.create("daily/auth-db-backup-2026-11-24.sql.gz", -1); // killed mid-upload
        dead.write(new byte[4096]);

        assertThat(service(NOON).run(daily(), DumpProgress.NONE).written()).isTrue();

        assertThat(store.listUnfinished("")).isEmpty();
        assertThat(new BackupCatalog(store).incomplete()).isEmpty();
    }

    @Test
    void aPlantedManifestDoesNotMakeTheDaysBackupStandDown() {
        // Someone who can write to the bucket, but not sign, plants today's manifest before 02:00.
        BackupOutcome genuine = service(NOON.minus(Duration.ofDays(1))).run(daily(), DumpProgress.NONE);
        store.put("daily/auth-db-backup-2026-11-24.sql.gz.manifest.json",
                store.read(genuine.key() + ".manifest.json"));

        assertThatThrownBy(() -> service(NOON).run(daily(), DumpProgress.NONE))
                .isInstanceOf(dev.pgvault.errors.IntegrityException.class)
                .hasMessageContaining("a manifest this deployment did not sign is already under"
                        + " daily/auth-db-backup-2026-11-24.sql.gz");
    }

    @Test
    void anExpiredLockIsTakenOverAtOnce() {
        String lock = "daily/auth-db-backup-2026-11-24.sql.gz.lock";
        store.putIfAbsent(lock, lease("dead", NOON.minusSeconds(1), 3));
        BackupOutcome outcome = service(NOON).run(daily(), DumpProgress.NONE);
        assertThat(outcome.written()).isTrue();
        assertThat(store.stat(lock)).isEmpty();
    }

    @Test
    void theLockIsRenewedWhileTheRunLives() throws Exception {
        String lock = "daily/auth-db-backup-2026-11-24.sql.gz.lock";
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        DumpProgress slow = new DumpProgress() {
            @Override
            public void tableRows(String table, long rows, long bytes) {
                if (seen.isEmpty()) {
                    sleep(400);
                    seen.add(new String(store.read(lock), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        };
        BackupOutcome outcome = quickLeases(NOON).run(daily(), slow);
        assertThat(outcome.written()).isTrue();
        assertThat(seen).hasSize(1);
        var lease = dev.pgvault.archive.ManifestCodec.mapper().readTree(seen.get(0));
        assertThat(lease.get("owner").asText()).startsWith("pgvault on ");
        assertThat(lease.get("renewals").asLong()).isPositive();
        assertThat(store.stat(lock)).isEmpty();
    }

    @Test
    void aRunThatLosesItsLockStopsWithoutCommitting() {
        String lock = "daily/auth-db-backup-2026-11-24.sql.gz.lock";
        DumpProgress thief = new DumpProgress() {
            private boolean stolen;

            @Override
            public void tableRows(String table, long rows, long bytes) {
                if (!stolen) {
                    stolen = true;
                    store.put(lock, lease("thief", NOON.plusSeconds(600), 0)); // e.g. after a long pause
                    sleep(600);
                }
            }
        };
        assertThatThrownBy(() -> quickLeases(NOON).run(daily(), thief))
                .isInstanceOf(dev.pgvault.errors.LockLostException.class)
                .hasMessageContaining("another run took over");
        assertThat(store.stat("daily/auth-db-backup-2026-11-24.sql.gz")).isEmpty();
        assertThat(store.stat("daily/auth-db-backup-2026-11-24.sql.gz.manifest.json")).isEmpty();
        assertThat(new String(store.read(lock), java.nio.charset.StandardCharsets.UTF_8)).contains("thief");
    }

    @Test
    void twoRunsAtOnceEndWithOneBackupWhoseManifestDescribesIt() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var first = pool.submit(() -> quickLeases(NOON).run(daily(), DumpProgress.NONE));
            var second = pool.submit(() -> quickLeases(NOON).run(daily(), DumpProgress.NONE));
            List<BackupOutcome.Status> statuses = List.of(first.get().status(), second.get().status());
            assertThat(statuses).containsOnlyOnce(BackupOutcome.Status.WRITTEN)
                    .containsAnyOf(BackupOutcome.Status.HELD, BackupOutcome.Status.ALREADY_COMPLETE);
        } finally {
            pool.shutdownNow();
        }
        Manifest manifest = new BackupCatalog(store).manifest("daily/auth-db-backup-2026-11-24.sql.gz");
        assertThat(manifest.sha256()).isEqualTo(sha256(repo.resolve("daily/auth-db-backup-2026-11-24.sql.gz")));
        assertThat(store.stat("daily/auth-db-backup-2026-11-24.sql.gz.lock")).isEmpty();
    }

    @Test
    void aCancelledRunAbortsTheUploadAndReleasesTheLock() {
        Cancellation cancellation = new Cancellation();
        DumpProgress interrupt = new DumpProgress() {
            @Override
            public void tableRows(String table, long rows, long bytes) {
                cancellation.cancel(Cancellation.Reason.SIGNAL, "interrupted by SIGTERM");
            }
        };
        assertThatThrownBy(() -> guarded(service(NOON), daily(), interrupt, cancellation))
                .isInstanceOf(RunCancelledException.class)
                .hasMessage("interrupted by SIGTERM");
        assertThat(allFiles()).isEmpty();
        assertThat(metrics.events).containsExactly("failed daily Interrupted");
    }

    @Test
    void theWatchdogStopsARunBeforeTheDeadline() {
        DumpProgress slow = new DumpProgress() {
            @Override
            public void tableRows(String table, long rows, long bytes) {
                sleep(3_000);
            }
        };
        Clock clock = Clock.systemUTC();
        long started = System.nanoTime();
        assertThatThrownBy(() -> new GuardedRun(metrics, clock).run(new Cancellation(),
                clock.instant().plusMillis(1_500), Duration.ofSeconds(1), scope -> {
                    scope.kind("daily");
                    return service(NOON).run(daily(), slow, scope.cancellation());
                }))
                .isInstanceOf(RunCancelledException.class)
                .hasMessageContaining("before the function's time limit");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(allFiles()).isEmpty();
        assertThat(metrics.events).containsExactly("failed daily Timeout");
    }

    @Test
    void aDatabaseWithoutUserTablesIsRefusedUnlessAllowed() throws Exception {
        String empty = db.newDatabase();
        BackupService onEmpty = new BackupService(store, () -> db.server().connect(empty), metrics,
                Clock.fixed(NOON, ZoneOffset.UTC), DumpOptions.defaults(), TestSigning.key());
        assertThatThrownBy(() -> onEmpty.run(daily(), DumpProgress.NONE))
                .isInstanceOf(WrongSourceException.class)
                .hasMessageContaining("/" + empty)
                .hasMessageContaining("holds no user tables");
        assertThat(allFiles()).isEmpty();

        BackupRequest allowed = new BackupRequest(BackupKind.DAILY, "auth-db", Compression.GZIP, 6,
                Encryptors.none(), RunOwner.thisProcess(), true);
        assertThat(onEmpty.run(allowed, DumpProgress.NONE).written()).isTrue();
    }

    @Test
    void aBackupOfAnotherDatabaseUnderTheKeyIsNotTakenForThisOne() throws Exception {
        assertThat(service(NOON).run(daily(), DumpProgress.NONE).written()).isTrue();
        String other = db.newDatabase();
        db.execute(other, "CREATE TABLE t (id int)");
        BackupService onOther = new BackupService(store, () -> db.server().connect(other), metrics,
                Clock.fixed(NOON, ZoneOffset.UTC), DumpOptions.defaults(), TestSigning.key());

        assertThatThrownBy(() -> onOther.run(daily(), DumpProgress.NONE))
                .isInstanceOf(WrongSourceException.class)
                .hasMessageContaining("a backup of another database")
                .hasMessageContaining("/" + db.name())
                .hasMessageContaining("/" + other);
    }

    @Test
    void theManifestRecordsTheSourcesIdentity() throws Exception {
        Manifest manifest = service(NOON).run(daily(), DumpProgress.NONE).manifest();
        assertThat(manifest.source().database()).isEqualTo(db.name());
        assertThat(manifest.source().host()).isEqualTo("127.0.0.1");
        assertThat(manifest.source().systemIdentifier()).isEqualTo(String.valueOf(
                db.queryLong(db.name(), "SELECT system_identifier FROM pg_control_system()")));
    }

    @Test
    void aBackupMuchSmallerThanTheLastIsReported() {
        assertThat(service(NOON).run(daily(), DumpProgress.NONE).warnings()).isEmpty();
        db.execute("DELETE FROM refresh_tokens; DELETE FROM users WHERE id > 20");

        BackupOutcome smaller = service(NOON.plus(Duration.ofDays(1))).run(daily(), DumpProgress.NONE);

        assertThat(smaller.warnings()).anySatisfy(w -> assertThat(w).contains("less than half")
                .contains("daily/auth-db-backup-2026-11-24.sql.gz"));
        assertThat(metrics.events).anySatisfy(e -> assertThat(e).startsWith("shrank daily rows"));
    }

    private static byte[] lease(String runId, Instant expiresAt, int renewals) {
        return ("{\"runId\":\"" + runId + "\",\"owner\":\"pgvault on elsewhere (pid 1)\",\"takenAt\":\""
                + NOON.minusSeconds(60) + "\",\"expiresAt\":\"" + expiresAt + "\",\"renewals\":" + renewals + "}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
        }, metrics, Clock.fixed(NOON, ZoneOffset.UTC), DumpOptions.defaults(), TestSigning.key());

        assertThatThrownBy(() -> guarded(service, daily(), killer, new Cancellation()))
                .isInstanceOf(BackupFailedException.class)
                .hasMessageContaining("daily/auth-db-backup-2026-11-24.sql.gz")
                .hasMessageContaining("lost the connection")
                .hasMessageContaining("nothing was stored");
        assertThat(allFiles()).isEmpty();
        assertThat(metrics.events).containsExactly("failed daily Dump");
    }

    @Test
    void unsupportedObjectsAreNamedAndNothingIsWritten() {
        // What the dump refuses (README, 'What a backup holds'): here two functions whose
        // SQL-standard bodies call each other, which no order of statements can create.
        db.execute("CREATE FUNCTION public.ping() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT 1; END");
        db.execute("CREATE FUNCTION public.pong() RETURNS integer LANGUAGE sql BEGIN ATOMIC SELECT public.ping(); END");
        db.execute("CREATE OR REPLACE FUNCTION public.ping() RETURNS integer LANGUAGE sql"
                + " BEGIN ATOMIC SELECT public.pong(); END");
        assertThatThrownBy(() -> guarded(service(NOON), daily(), DumpProgress.NONE, new Cancellation()))
                .isInstanceOf(UnsupportedObjectException.class)
                .hasMessageContaining("circular dependency between function \"public\".\"ping\"()")
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
