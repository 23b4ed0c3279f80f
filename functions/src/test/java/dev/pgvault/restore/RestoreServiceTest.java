package dev.pgvault.restore;

import static org.assertj.core.api.Assertions.assertThat;
import dev.pgvault.testing.TestSigning;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.BackupNotFoundException;
import dev.pgvault.errors.IntegrityException;
import dev.pgvault.errors.TargetNotEmptyException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.DataFingerprint;
import dev.pgvault.testing.Fixtures;
import dev.pgvault.testing.TestDatabase;
import dev.pgvault.verify.VerificationStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class RestoreServiceTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    private DirectoryStore store;
    private String key;
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T02:00:00Z"), ZoneOffset.UTC);

    @BeforeEach
    void backUp() throws Exception {
        store = new DirectoryStore(repo);
        db.execute(Fixtures.sql("application-schema.sql"));
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 300);
        }
        BackupOutcome outcome = new BackupService(store, db::connect, BackupMetrics.NONE, clock, DumpOptions.defaults(), TestSigning.key())
                .run(BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 6), DumpProgress.NONE);
        key = outcome.key();
    }

    private RestoreReport restore(String backup, String target, RestoreOptions options) throws Exception {
        try (Connection c = db.server().connect(target)) {
            return new RestoreService(store, clock, TestSigning.trust()).restore(backup, c, target, options, dev.pgvault.archive.crypto.Decryptors.none(),
                    ScriptApplier.Progress.NONE);
        }
    }

    @Test
    void latestRestoresVerifiedIntoAnEmptyDatabase() throws Exception {
        String target = db.newDatabase();
        RestoreReport report = restore("latest", target, RestoreOptions.defaults());

        assertThat(report.source()).isEqualTo(key);
        assertThat(report.verification().status()).isEqualTo(VerificationStatus.OK);
        assertThat(report.producer()).isEqualTo("pgvault");
        assertThat(report.rows()).isEqualTo(db.queryLong(db.name(), "SELECT (SELECT count(*) FROM users)"
                + " + (SELECT count(*) FROM refresh_tokens) + (SELECT count(*) FROM customers)"
                + " + (SELECT count(*) FROM billing.invoices) + (SELECT count(*) FROM \"Audit Log\".\"Event\")"
                + " + (SELECT count(*) FROM cache_entries)"));
        try (Connection source = db.connect(); Connection copy = db.server().connect(target)) {
            assertThat(DataFingerprint.of(copy)).isEqualTo(DataFingerprint.of(source));
        }
    }

    @Test
    void aNonEmptyTargetIsRefusedAndLeftAlone() throws Exception {
        String target = db.newDatabase();
        db.execute(target, "CREATE TABLE keep_me (id int); INSERT INTO keep_me VALUES (1)");

        assertThatThrownBy(() -> restore(key, target, RestoreOptions.defaults()))
                .isInstanceOf(TargetNotEmptyException.class)
                .hasMessageContaining("relation keep_me")
                .hasMessageContaining("nothing was changed");
        assertThat(db.queryLong(target, "SELECT count(*) FROM keep_me")).isEqualTo(1);
    }

    @Test
    void cleanReplacesWhatTheTargetHeld() throws Exception {
        String target = db.newDatabase();
        db.execute(target, "CREATE SCHEMA junk; CREATE TABLE junk.t (id int); CREATE TABLE public.users (x int)");
        restore(key, target, new RestoreOptions(false, true, true));
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_namespace WHERE nspname = 'junk'")).isZero();
        assertThat(db.queryLong(target, "SELECT count(*) FROM users")).isEqualTo(300);
    }

    @Test
    void aFlippedByteAnywhereIsCaughtAndNothingIsRestored() throws Exception {
        Path object = repo.resolve(key);
        byte[] original = Files.readAllBytes(object);
        for (int position : new int[] {10, original.length / 2, original.length - 3}) {
            byte[] damaged = original.clone();
            damaged[position] ^= 0x01;
            Files.write(object, damaged);
            String target = db.newDatabase();
            assertThatThrownBy(() -> restore(key, target, RestoreOptions.defaults()))
                    .as("flip at %d", position)
                    .isInstanceOf(IntegrityException.class)
                    .hasMessageContaining(key)
                    .hasMessageContaining("SHA-256");
            assertThat(db.queryLong(target, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"))
                    .isZero();
        }
    }

    @Test
    void aTruncatedObjectIsCaughtAndNothingIsRestored() throws Exception {
        Path object = repo.resolve(key);
        byte[] original = Files.readAllBytes(object);
        Files.write(object, java.util.Arrays.copyOf(original, original.length * 2 / 3));
        String target = db.newDatabase();
        assertThatThrownBy(() -> restore(key, target, RestoreOptions.defaults()))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("damaged or incomplete");
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"))
                .isZero();
    }

    @Test
    void aBackupWithoutManifestIsNotABackup() throws Exception {
        Files.delete(repo.resolve(key + ".manifest.json"));
        String target = db.newDatabase();
        assertThatThrownBy(() -> restore(key, target, RestoreOptions.defaults()))
                .isInstanceOf(BackupNotFoundException.class)
                .hasMessageContaining("has no manifest");
        assertThatThrownBy(() -> restore("latest", target, RestoreOptions.defaults()))
                .isInstanceOf(BackupNotFoundException.class)
                .hasMessageContaining("no complete backups");
    }
}
