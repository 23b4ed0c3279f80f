package dev.pgvault.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.backup.BackupService;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.RestoreFailedException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.restore.NewDatabaseRestore;
import dev.pgvault.restore.RestoreOptions;
import dev.pgvault.restore.RestoreReport;
import dev.pgvault.restore.RestoreService;
import dev.pgvault.restore.ScriptApplier;
import dev.pgvault.run.Cancellation;
import dev.pgvault.testing.TestDatabase;
import dev.pgvault.testing.TestSigning;
import dev.pgvault.verify.VerificationPolicy;
import dev.pgvault.verify.VerificationReport;
import dev.pgvault.verify.VerificationRequest;
import dev.pgvault.verify.VerificationService;
import dev.pgvault.verify.VerificationStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An erased subject present in a backup is absent after every kind of restore (one transaction, new
 * database, the verification's scratch restore), everything else is as backed up, and a ledger
 * statement that fails stops the restore before anything is committed.
 */
class ErasureRestoreTest {
    static final String ERIN = "erin.erased@example.org";
    /** A subject that would widen the DELETE to every row if it were spliced into the SQL. */
    static final String INJECTION = "x' OR 'a' = 'a";
    static final String STATEMENTS = """
            DELETE FROM users WHERE email = :subject;
            UPDATE audit SET actor = NULL WHERE actor = :subject;
            """;

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T02:00:00Z"), ZoneOffset.UTC);
    private DirectoryStore store;
    private String key;
    private ErasureLedger ledger;

    @BeforeEach
    void backUpAndErase() {
        store = new DirectoryStore(repo);
        db.execute("""
                CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE NOT NULL, name text);
                CREATE TABLE orders (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users ON DELETE CASCADE, total int);
                CREATE TABLE audit (id int PRIMARY KEY, actor text, action text);
                CREATE TABLE products (id int PRIMARY KEY, title text);
                INSERT INTO users SELECT g, 'user' || g || '@example.org', 'User ' || g FROM generate_series(1, 50) g;
                INSERT INTO users VALUES (51, 'erin.erased@example.org', 'Erin');
                INSERT INTO orders SELECT g, 1 + g % 51, g * 10 FROM generate_series(1, 200) g;
                INSERT INTO audit SELECT g, CASE WHEN g % 10 = 0 THEN 'erin.erased@example.org' ELSE 'user1@example.org' END,
                    'login' FROM generate_series(1, 100) g;
                INSERT INTO products SELECT g, 'Product ' || g FROM generate_series(1, 30) g;
                """);
        key = new BackupService(store, db::connect, BackupMetrics.NONE, clock, DumpOptions.defaults(), TestSigning.key())
                .run(BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 6), DumpProgress.NONE).key();
        ledger = new ErasureLedger(store, Clock.fixed(Instant.parse("2026-11-25T09:00:00Z"), ZoneOffset.UTC));
        ledger.configure(STATEMENTS);
        ledger.append(ERIN, "ops", "art. 17 request #41", Encryptors.none());
        ledger.append(INJECTION, "ops", "a subject that is not SQL", Encryptors.none());
    }

    private RestoreService service() {
        return new RestoreService(store, clock, TestSigning.trust());
    }

    private void assertErinIsGoneAndTheRestIsIntact(String database) {
        assertThat(db.queryLong(database, "SELECT count(*) FROM users WHERE email = 'erin.erased@example.org'")).isZero();
        assertThat(db.queryLong(database, "SELECT count(*) FROM users")).isEqualTo(50);
        assertThat(db.queryLong(database, "SELECT count(*) FROM orders WHERE user_id = 51")).isZero();
        assertThat(db.queryLong(database, "SELECT count(*) FROM orders")).isEqualTo(200 - 3);
        assertThat(db.queryLong(database, "SELECT count(*) FROM audit WHERE actor = 'erin.erased@example.org'")).isZero();
        assertThat(db.queryLong(database, "SELECT count(*) FROM audit WHERE actor IS NULL")).isEqualTo(10);
        assertThat(db.queryLong(database, "SELECT count(*) FROM audit")).isEqualTo(100);
        assertThat(db.queryLong(database, "SELECT count(*) FROM products")).isEqualTo(30);
    }

    @Test
    void aRestoreInOneTransactionIsVerifiedExactlyThenErased() throws Exception {
        String target = db.newDatabase();
        List<String> notes = new ArrayList<>();
        RestoreReport report;
        try (Connection c = db.server().connect(target)) {
            report = service().restore(key, c, target, RestoreOptions.defaults(), Decryptors.none(), progress(notes));
        }

        assertThat(report.verification().status()).isEqualTo(VerificationStatus.OK);
        assertErinIsGoneAndTheRestIsIntact(target);
        assertThat(report.erasure().entries()).isEqualTo(2);
        assertThat(report.erasure().deletedByTable()).containsEntry("public.users", 1L).containsEntry("public.orders", 3L);
        assertThat(report.erasure().updatedByTable()).containsOnlyKeys("public.audit").containsEntry("public.audit", 10L);
        assertThat(String.join("\n", notes)).contains("erasure ledger: 2 entries applied by 2 statements")
                .doesNotContain("erin");
    }

    @Test
    void aRestoreIntoANewDatabaseIsErasedBeforeItIsSwappedIn() {
        NewDatabaseRestore.Report report = service().restoreIntoNewDatabase(key, name -> db.server().connect(name),
                db.name(), NewDatabaseRestore.Options.into(null).withSwap(true, true), Decryptors.none(),
                ScriptApplier.Progress.NONE);

        assertThat(report.restore().verification().status()).isEqualTo(VerificationStatus.OK);
        assertThat(report.restore().erasure().rowsDeleted()).isEqualTo(4);
        assertErinIsGoneAndTheRestIsIntact(db.name());
        assertThat(db.queryLong(report.previous(), "SELECT count(*) FROM users WHERE email = 'erin.erased@example.org'"))
                .as("the database the restore replaced is kept as it was, for the operator to drop").isEqualTo(1);
        db.execute("postgres", "DROP DATABASE " + report.previous());
    }

    @Test
    void theVerificationScratchRestoreIsErasedAndItsComparisonAllowsForTheLedgerOnly() {
        DatabaseTarget scratch = DatabaseTarget.parseUrl(db.server().libpqUrl("postgres"), "the scratch server");
        VerificationReport report = new VerificationService(store, TestSigning.trust(), clock,
                VerificationPolicy.defaults()).verify(new VerificationRequest(key, null, scratch, null, null, null),
                Cancellation.none());

        assertThat(report.result().status()).isEqualTo(VerificationStatus.OK);
        assertThat(String.join("\n", report.result().details())).contains("allowing for the erasure ledger")
                .contains("public.users 1 deleted").doesNotContain("erin");
    }

    @Test
    void aLedgerStatementThatFailsStopsTheRestoreBeforeItCommits() {
        ledger.configure(STATEMENTS + "DELETE FROM no_such_table WHERE email = :subject;\n");
        String target = db.newDatabase();

        assertThatThrownBy(() -> {
            try (Connection c = db.server().connect(target)) {
                service().restore(key, c, target, RestoreOptions.defaults(), Decryptors.none(),
                        ScriptApplier.Progress.NONE);
            }
        }).isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("statement 3 (line 3: DELETE FROM no_such_table")
                .hasMessageContaining("42P01").message().doesNotContain("erin");
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_class WHERE relname = 'users'"))
                .as("nothing of the restore was committed").isZero();

        assertThatThrownBy(() -> service().restoreIntoNewDatabase(key, name -> db.server().connect(name), db.name(),
                NewDatabaseRestore.Options.into("erasure_failed"), Decryptors.none(), ScriptApplier.Progress.NONE))
                .isInstanceOf(RestoreFailedException.class).hasMessageContaining("erasure_failed was dropped");
        assertThat(db.queryLong("postgres", "SELECT count(*) FROM pg_database WHERE datname = 'erasure_failed'")).isZero();
    }

    @Test
    void aScratchVerificationWhoseLedgerFailsIsARestoreFailure() {
        ledger.configure("UPDATE users SET id = 'not a number' WHERE email = :subject;");
        DatabaseTarget scratch = DatabaseTarget.parseUrl(db.server().libpqUrl("postgres"), "the scratch server");
        VerificationReport report = new VerificationService(store, TestSigning.trust(), clock,
                VerificationPolicy.defaults()).verify(new VerificationRequest(key, null, scratch, null, null, null),
                Cancellation.none());

        assertThat(report.result().status()).isEqualTo(VerificationStatus.RESTORE_FAILED);
        assertThat(String.join("\n", report.result().details())).contains("erasure ledger").doesNotContain("erin");
    }

    private static ScriptApplier.Progress progress(List<String> notes) {
        return new ScriptApplier.Progress() {
            @Override
            public void note(String message) {
                notes.add(message);
            }
        };
    }
}
