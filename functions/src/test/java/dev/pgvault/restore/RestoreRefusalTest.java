package dev.pgvault.restore;

import static org.assertj.core.api.Assertions.assertThat;
import dev.pgvault.testing.TestSigning;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.archive.ManifestCodec;
import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.ForbiddenStatementException;
import dev.pgvault.errors.RestoreFailedException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.testing.PgTools;
import dev.pgvault.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * Scripts cannot escape the restore's one transaction, and a script pgvault wrote can only do
 * what pgvault writes: each attempt is refused before it reaches the database, on a real
 * PostgreSQL, and leaves no role, no table, nothing committed.
 */
class RestoreRefusalTest {
    private static final String PGVAULT_HEADER = "--\n-- pgvault 1.0 logical backup of database app\n--\n\n";
    private static final String PGVAULT_END = "\n-- pgvault dump complete\n";
    private static final String PG_DUMP_HEADER = "--\n-- PostgreSQL database dump\n--\n\n";
    private static final String PG_DUMP_END = "\n--\n-- PostgreSQL database dump complete\n--\n";

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path dir;

    private final String role = "pgv_evil_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

    @AfterEach
    void dropTheRoleIfAnythingMadeIt() {
        db.execute("postgres", "DROP ROLE IF EXISTS " + role);
    }

    private RestoreReport applyScript(String script, String target) throws Exception {
        try (Connection c = db.server().connect(target)) {
            return new RestoreService(null, Clock.systemUTC()).restoreScript(
                    new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)), "script.sql", c, target,
                    RestoreOptions.defaults(), ScriptApplier.Progress.NONE);
        }
    }

    private long roles() {
        return db.queryLong("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "'");
    }

    private long userTables(String target) {
        return db.queryLong(target, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "COMMIT AND CHAIN;", "END AND CHAIN;", "ABORT;", "SAVEPOINT x;\nRELEASE x;", "PREPARE TRANSACTION 'x';",
        "commit /* quietly */ and\n  chain;", "COMMIT;", "ROLLBACK AND CHAIN;", "START TRANSACTION;"
    })
    void aScriptThatWouldEndTheTransactionIsRefusedAndLeavesNoRole(String escape) throws Exception {
        String body = "CREATE TABLE public.before_escape (id integer);\nCOPY public.before_escape (id) FROM stdin;\n1\n\\.\n"
                + escape + "\nCREATE ROLE " + role + " SUPERUSER;\nCREATE TABLE public.after_escape (id integer);\n";
        for (String script : List.of(body, PG_DUMP_HEADER + body + PG_DUMP_END, PGVAULT_HEADER + body + PGVAULT_END)) {
            String target = db.newDatabase();
            assertThatThrownBy(() -> applyScript(script, target))
                    .isInstanceOf(ForbiddenStatementException.class)
                    .hasMessageStartingWith("line " + (script.lines().toList().indexOf(escape.lines().findFirst()
                            .orElseThrow()) + 1) + ": ")
                    .hasMessageContaining("transaction control");
            assertThat(roles()).as("role made by %s", escape).isZero();
            assertThat(userTables(target)).as("tables committed before %s", escape).isZero();
        }
        assertThat(db.queryLong("postgres", "SELECT count(*) FROM pg_prepared_xacts")).isZero();
    }

    @Test
    void aPgDumpLargeObjectBracketStillRestoresButCannotSmuggleAStatement() throws Exception {
        String data = "BEGIN;\nSELECT pg_catalog.lo_open('424242', 131072);\nSELECT pg_catalog.lowrite(0, '\\x0102');\n"
                + "SELECT pg_catalog.lo_close(0);\n";
        String fine = PG_DUMP_HEADER + "SELECT pg_catalog.lo_create('424242');\n" + data + "COMMIT;\n" + PG_DUMP_END;
        String target = db.newDatabase();
        applyScript(fine, target);
        assertThat(db.queryLong(target, "SELECT length(lo_get(424242))")).isEqualTo(2);

        String smuggled = PG_DUMP_HEADER + "SELECT pg_catalog.lo_create('424242');\n" + data
                + "CREATE ROLE " + role + ";\nCOMMIT;\n" + PG_DUMP_END;
        String other = db.newDatabase();
        assertThatThrownBy(() -> applyScript(smuggled, other))
                .isInstanceOf(ForbiddenStatementException.class)
                .hasMessageStartingWith("line 6: BEGIN opens a transaction around CREATE ROLE " + role + " (line 10)");
        assertThat(roles()).isZero();
        assertThat(db.queryLong(other, "SELECT count(*) FROM pg_largeobject_metadata")).isZero();
    }

    /**
     * A statement the driver would split in two is refused before it is sent: here the script sets
     * standard_conforming_strings behind the reader's back, so the reader takes four statements for
     * one string, while the driver (which follows the server) sees them.
     */
    @Test
    void statementsHiddenFromTheReaderAreRefusedBeforeTheyRun() throws Exception {
        String script = "SET standard_conforming_strings = off;\n"
                + "SELECT pg_catalog.set_config('standard_conforming_strings', 'on', false);\n"
                + "SELECT 'x\\'; COMMIT; CREATE ROLE " + role + "; SELECT ' --';\n"
                + "SELECT 1;\n";
        String target = db.newDatabase();
        assertThatThrownBy(() -> applyScript("CREATE TABLE before_escape (id integer);\n" + script, target))
                .isInstanceOf(ForbiddenStatementException.class)
                .hasMessageContaining("line 4: the statement starting here (SELECT) holds 5 statements");
        assertThat(roles()).isZero();
        assertThat(userTables(target)).isZero();
    }

    /**
     * And where the driver does not split either (it never splits a CREATE ... BEGIN ATOMIC), the
     * server does not run a second statement: the extended protocol takes one statement per message.
     */
    @Test
    void statementsHiddenFromReaderAndDriverAreRefusedByTheServer() throws Exception {
        String script = "CREATE TABLE before_escape (id integer);\n"
                + "SET standard_conforming_strings = off;\n"
                + "SELECT pg_catalog.set_config('standard_conforming_strings', 'on', false);\n"
                + "CREATE FUNCTION hidden() RETURNS text LANGUAGE sql BEGIN ATOMIC SELECT 'x\\'; END;\n"
                + "COMMIT;\n"
                + "CREATE ROLE " + role + ";\n"
                + "SELECT ' --' AS end;\n"
                + "END;\n";
        String target = db.newDatabase();
        assertThatThrownBy(() -> applyScript(script, target))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("line 4")
                .hasMessageContaining("cannot insert multiple commands into a prepared statement");
        assertThat(roles()).isZero();
        assertThat(userTables(target)).isZero();
    }

    @Test
    void aPgvaultScriptCannotMakeRolesChangeTheServerOrRunPrograms() throws Exception {
        Path marker = Path.of("/tmp", "pgvault-refusal-" + UUID.randomUUID());
        String[][] cases = {
            {"CREATE ROLE " + role + " SUPERUSER LOGIN PASSWORD 'hunter2';", "CREATE ROLE " + role},
            {"ALTER SYSTEM SET archive_command = 'touch " + marker + "';", "ALTER SYSTEM SET"},
            {"COPY public.t FROM PROGRAM 'touch " + marker + "';", "COPY ... FROM PROGRAM"},
            {"COPY public.t FROM '/etc/passwd';", "COPY ... FROM a server file"},
            {"SELECT pg_catalog.lo_import('/etc/passwd');", "SELECT pg_catalog.lo_import(...)"},
            {"GRANT pg_execute_server_program TO CURRENT_USER;", "GRANT of a role (membership)"},
            {"DO $$BEGIN EXECUTE 'CREATE ROLE " + role + "'; END$$;", "DO"},
        };
        for (String[] attempt : cases) {
            String script = PGVAULT_HEADER + "SET statement_timeout = 0;\nCREATE TABLE public.t (id integer);\n"
                    + attempt[0] + "\n" + PGVAULT_END;
            String target = db.newDatabase();
            assertThatThrownBy(() -> applyScript(script, target))
                    .as(attempt[0])
                    .isInstanceOf(ForbiddenStatementException.class)
                    .hasMessageStartingWith("line 7: " + attempt[1] + " is refused: the script says pgvault wrote it")
                    .hasMessageNotContaining("hunter2")
                    .hasMessageNotContaining("passwd")
                    .satisfies(e -> assertThat(((ForbiddenStatementException) e).kind()).isEqualTo(attempt[1]));
            assertThat(roles()).isZero();
            assertThat(userTables(target)).isZero();
        }
        assertThat(marker).doesNotExist();
        assertThat(db.queryLong("postgres", "SELECT count(*) FROM pg_file_settings WHERE name = 'archive_command'"
                + " AND sourcefile LIKE '%postgresql.auto.conf'")).isZero();
    }

    /** A planted script with a consistent (recomputed) manifest: the allowlist applies whatever its header says. */
    @Test
    void aRepositoryBackupWithAPlantedStatementIsRefusedBeforeItRuns() throws Exception {
        db.execute("CREATE TABLE public.accounts (id integer PRIMARY KEY, email text);"
                + " INSERT INTO accounts VALUES (1, 'a@example.com')");
        DirectoryStore store = new DirectoryStore(dir);
        Clock clock = Clock.fixed(Instant.parse("2026-11-24T02:00:00Z"), ZoneOffset.UTC);
        BackupOutcome outcome = new BackupService(store, db::connect, BackupMetrics.NONE, clock, DumpOptions.defaults(),
                TestSigning.key())
                .run(BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 6), DumpProgress.NONE);
        String key = outcome.key();
        String original = gunzip(Files.readAllBytes(dir.resolve(key)));

        String planted = original.replace("\nSET default_table_access_method = heap;\n",
                "\nSET default_table_access_method = heap;\nCREATE ROLE " + role + " SUPERUSER;\n");
        replace(key, planted);
        String target = db.newDatabase();
        assertThatThrownBy(() -> restore(store, clock, key, target))
                .isInstanceOf(ForbiddenStatementException.class)
                .hasMessageContaining("CREATE ROLE " + role + " is refused: this is a pgvault backup (its manifest says so)");
        assertThat(roles()).isZero();
        assertThat(userTables(target)).isZero();

        // Another header does not lift the rules: the manifest says pgvault wrote the backup.
        replace(key, original.replaceFirst("-- pgvault [^\n]*", "-- PostgreSQL database dump"));
        String other = db.newDatabase();
        assertThatThrownBy(() -> restore(store, clock, key, other))
                .isInstanceOf(ForbiddenStatementException.class)
                .hasMessageContaining("does not start with pgvault's header");
        assertThat(userTables(other)).isZero();

        replace(key, original);
        String fine = db.newDatabase();
        assertThat(restore(store, clock, key, fine).rows()).isEqualTo(1);
    }

    /** Bodies that hold transaction words, in pgvault's backups and pg_dump's scripts, restore as ever. */
    @Test
    void functionBodiesHoldingTransactionWordsRestore() throws Exception {
        String definitions = "CREATE TABLE public.log (note text);"
                + " CREATE FUNCTION public.note(t text) RETURNS void LANGUAGE plpgsql AS $$BEGIN"
                + "   INSERT INTO public.log VALUES ('BEGIN; COMMIT; END AND CHAIN'); END$$;"
                + " CREATE PROCEDURE public.batch() LANGUAGE plpgsql AS $body$ BEGIN INSERT INTO public.log"
                + "   VALUES ('x'); COMMIT; ROLLBACK; END $body$;"
                + " CREATE FUNCTION public.begin() RETURNS integer LANGUAGE sql AS $$SELECT 1$$;"
                + " CREATE FUNCTION public.commit(begin integer) RETURNS integer LANGUAGE sql AS $$SELECT begin$$;"
                + " INSERT INTO public.log VALUES ('ROLLBACK;'), ('COMMIT AND CHAIN;')";
        db.execute(definitions);
        PgTools tools = PgTools.forServer(db.server());
        // psql: the driver's parse is not what is tested here.
        assertThat(tools.psqlCommand(db.name(), "CREATE FUNCTION public.sign(a integer) RETURNS text LANGUAGE sql"
                + " BEGIN ATOMIC SELECT CASE WHEN a > 0 THEN 'BEGIN' ELSE 'END' END AS begin; SELECT 'COMMIT' AS word; END")
                .exitCode()).isZero();

        DirectoryStore store = new DirectoryStore(dir);
        Clock clock = Clock.fixed(Instant.parse("2026-11-24T02:00:00Z"), ZoneOffset.UTC);
        String key = new BackupService(store, db::connect, BackupMetrics.NONE, clock, DumpOptions.defaults(),
                TestSigning.key())
                .run(BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 6), DumpProgress.NONE).key();
        String viaBackup = db.newDatabase();
        RestoreReport report = restore(store, clock, key, viaBackup);
        assertThat(report.verification().status()).isEqualTo(dev.pgvault.verify.VerificationStatus.OK);

        String viaPgDump = db.newDatabase();
        applyScript(tools.dump(db.name(), "--no-owner", "--no-privileges"), viaPgDump);

        for (String target : List.of(viaBackup, viaPgDump)) {
            assertThat(tools.schema(target)).isEqualTo(tools.schema(db.name()));
            assertThat(db.queryLong(target, "SELECT count(*) FROM public.log")).isEqualTo(2);
            assertThat(db.queryLong(target, "SELECT public.begin() + public.commit(2)")).isEqualTo(3);
        }
    }

    /** Whatever ends the transaction behind the policy's back is caught after the statement, before the next. */
    @Test
    void aStatementThatEndedTheTransactionStopsTheRestore() throws Exception {
        String target = db.newDatabase();
        try (Connection real = db.server().connect(target)) {
            real.setAutoCommit(false);
            BaseConnection base = real.unwrap(BaseConnection.class);
            int[] statements = {0};
            // Stands for a statement that committed: after the second statement, the driver reports "idle".
            Connection ended = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {BaseConnection.class}, (proxy, method, args) -> {
                        if (method.getName().equals("getTransactionState")) {
                            return ++statements[0] >= 2 ? TransactionState.IDLE : base.getTransactionState();
                        }
                        if (method.getName().equals("unwrap")) {
                            return proxy;
                        }
                        try {
                            return method.invoke(base, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            String script = "CREATE TABLE a (id integer);\nCREATE TABLE b (id integer);\nCREATE TABLE c (id integer);\n";
            assertThatThrownBy(() -> ScriptApplier.apply(new ByteArrayInputStream(script.getBytes(StandardCharsets.UTF_8)),
                    ended, ScriptApplier.Progress.NONE))
                    .isInstanceOf(RestoreFailedException.class)
                    .hasMessage("line 2: after CREATE TABLE b the restore's transaction is no longer open (idle):"
                            + " something in the script ended it; the restore was stopped and rolled back");
            assertThat(db.queryLong(target, "SELECT count(*) FROM pg_class WHERE relname = 'c'")).isZero();
            real.rollback();
        }
    }

    @Test
    void aConnectionInTheSimpleQueryProtocolIsRefused() throws Exception {
        String target = db.newDatabase();
        try (Connection c = java.sql.DriverManager.getConnection(db.server().jdbcUrl(target) + "&preferQueryMode=simple")) {
            assertThatThrownBy(() -> new RestoreService(null, Clock.systemUTC()).restoreScript(
                    new ByteArrayInputStream("CREATE TABLE a (id integer);".getBytes(StandardCharsets.UTF_8)),
                    "s.sql", c, target, RestoreOptions.defaults(), ScriptApplier.Progress.NONE))
                    .isInstanceOf(RestoreFailedException.class)
                    .hasMessageContaining("preferQueryMode=simple");
        }
        assertThat(userTables(target)).isZero();
    }

    private RestoreReport restore(DirectoryStore store, Clock clock, String key, String target) throws Exception {
        try (Connection c = db.server().connect(target)) {
            return new RestoreService(store, clock, TestSigning.trust()).restore(key, c, target, RestoreOptions.defaults(), Decryptors.none(),
                    ScriptApplier.Progress.NONE);
        }
    }

    /**
     * Writes a new script under the key and a manifest made consistent with it, signed with the
     * trusted key: as if the signing key were compromised, so that the statement policy, the
     * defence behind the signature, is what is tested.
     */
    private void replace(String key, String script) throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(script.getBytes(StandardCharsets.UTF_8));
        }
        byte[] stored = gz.toByteArray();
        Files.write(dir.resolve(key), stored);
        Path manifestFile = dir.resolve(key + ".manifest.json");
        ObjectNode manifest = (ObjectNode) ManifestCodec.mapper().readTree(Files.readAllBytes(manifestFile));
        manifest.put("sha256", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored)));
        manifest.put("storedBytes", stored.length);
        byte[] manifestBytes = ManifestCodec.mapper().writeValueAsBytes(manifest);
        Files.write(manifestFile, manifestBytes);
        Files.write(dir.resolve(key + ".manifest.json.sig"), TestSigning.key().sign(manifestBytes));
    }

    private static String gunzip(byte[] bytes) throws Exception {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
