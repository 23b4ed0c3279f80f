package dev.pgvault.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.archive.Manifest;
import dev.pgvault.restore.ScriptApplier;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.CatalogFingerprint;
import dev.pgvault.testing.DataFingerprint;
import dev.pgvault.testing.FidelityFixture;
import dev.pgvault.testing.Fingerprints;
import dev.pgvault.testing.Fixtures;
import dev.pgvault.testing.PgTools;
import dev.pgvault.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dump with pgvault, restore with the real psql and with our own restore, and compare with
 * oracles that share no code with pgvault: pg_dump --schema-only for the schema, the catalog
 * fingerprint for every definition, comment, sequence and large object, sorted row text for
 * the data. On the machine's PostgreSQL 15; {@link DumpVersionMatrixTest} covers 13 to 18.
 */
class DumpRoundTripTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path dir;

    @Test
    void applicationSchemaRestoresIdenticallyWithPsql() throws Exception {
        db.execute(Fixtures.sql("application-schema.sql"));
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 50);
        }
        assertRoundTrip();
    }

    @Test
    void edgeCaseValuesSurviveExactly() throws Exception {
        db.execute(Fixtures.sql("edge-values.sql"));
        DumpResult result = assertRoundTrip();
        assertThat(result.tables()).extracting(Manifest.Table::rows).containsExactly(7L);
    }

    @Test
    void emptyDatabaseDumpsAndRestores() throws Exception {
        DumpResult result = assertRoundTrip();
        assertThat(result.tables()).isEmpty();
    }

    @Test
    void manifestCountsMatchTheSource() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 120);
        }
        DumpResult result = dump(db.name());
        assertThat(result.tables()).extracting(Manifest.Table::qualifiedName)
                .containsExactly("public.refresh_tokens", "public.users");
        assertThat(result.tables().get(1).rows()).isEqualTo(120);
        assertThat(result.tables().get(0).rows())
                .isEqualTo(db.queryLong(db.name(), "SELECT count(*) FROM refresh_tokens"));
        assertThat(result.serverVersionNum()).isGreaterThanOrEqualTo(130000);
        assertThat(result.database()).isEqualTo(db.name());
    }

    @Test
    void everyObjectKindRestoresIdenticallyThroughPsqlAndThroughOurRestore() throws Exception {
        try (Connection c = db.connect()) {
            FidelityFixture.load(c);
        }
        Path file = dumpToFile(DumpOptions.defaults());
        PgTools tools = PgTools.forServer(db.server());

        String viaPsql = db.newDatabase();
        PgTools.Result restore = tools.psqlFile(viaPsql, file);
        assertThat(restore.exitCode()).as("psql stderr: %s", restore.stderr()).isZero();
        assertThat(restore.stderr()).isEmpty();
        assertThat(tools.schema(viaPsql)).isEqualTo(tools.schema(db.name()));

        String viaUs = db.newDatabase();
        try (Connection target = db.server().connect(viaUs); InputStream in = Files.newInputStream(file)) {
            target.setAutoCommit(false);
            ScriptApplier.apply(in, target, ScriptApplier.Progress.NONE);
            target.commit();
        }
        Map<String, String> source = fingerprint(db.name(), false);
        Fingerprints.assertSame(fingerprint(viaPsql, false), source, "restored by psql");
        Fingerprints.assertSame(fingerprint(viaUs, false), source, "restored by pgvault");
        assertThat(source).containsKeys("large object 424244", "relation app.events_2026", "function app.audit()",
                "trigger app.events_2026 events_audit", "policy app.orders orders_own");
    }

    @Test
    void ownersAndPrivilegesAreKeptOnlyWhenAsked() throws Exception {
        try (Connection c = db.connect()) {
            FidelityFixture.load(c);
            FidelityFixture.loadPrivileges(c);
        }
        // By default: no owner, no privilege, and a role that is no superuser can restore it
        // (all but functions in untrusted languages, C and internal: only a superuser makes those).
        db.execute("DROP FUNCTION app.square_root(double precision), app.edit_distance(text, text)");
        Path plain = dumpToFile(DumpOptions.defaults());
        String text = Files.readString(plain, StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("OWNER TO").doesNotContainPattern("(?m)^(GRANT|REVOKE|ALTER DEFAULT) ");
        String asRole = db.newDatabase();
        db.execute("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgv_restorer')"
                + " THEN CREATE ROLE pgv_restorer LOGIN PASSWORD 'restorer-pw'; END IF; END $$;"
                + " ALTER DATABASE " + asRole + " OWNER TO pgv_restorer");
        String url = "jdbc:postgresql://127.0.0.1:" + db.server().port() + "/" + asRole
                + "?user=pgv_restorer&password=restorer-pw";
        try (Connection target = DriverManager.getConnection(url); InputStream in = Files.newInputStream(plain)) {
            target.setAutoCommit(false);
            ScriptApplier.apply(in, target, ScriptApplier.Progress.NONE);
            target.commit();
        }
        Fingerprints.assertSame(fingerprint(asRole, false), fingerprint(db.name(), false),
                "restored without owners by a plain role");

        // When asked: every owner and access list, as pg_dump with its owner and privilege output sees them.
        Path kept = dumpToFile(DumpOptions.defaults().withOwnersAndPrivileges(true));
        assertThat(Files.readString(kept, StandardCharsets.UTF_8)).contains("OWNER TO \"pgv_owner\"")
                .contains("GRANT SELECT ON TABLE \"app\".\"customers\" TO \"pgv \"\"odd\"\" role\";");
        PgTools tools = PgTools.forServer(db.server());
        String restored = db.newDatabase();
        PgTools.Result restore = tools.psqlFile(restored, kept);
        assertThat(restore.exitCode()).as("psql stderr: %s", restore.stderr()).isZero();
        assertThat(PgTools.normalize(tools.dump(restored, "--schema-only")))
                .isEqualTo(PgTools.normalize(tools.dump(db.name(), "--schema-only")));
        Fingerprints.assertSame(fingerprint(restored, true), fingerprint(db.name(), true), "restored with owners");
    }

    @Test
    void anInheritanceChildKeepsItsColumnOrderWhenItsParentGrewAfterIt() throws Exception {
        db.execute("CREATE TABLE parent (a integer, b text); CREATE TABLE child (c integer) INHERITS (parent);"
                + " ALTER TABLE parent ADD COLUMN d date; INSERT INTO child VALUES (1, 'x', 2, '2026-01-01');");
        Path file = dumpToFile(DumpOptions.defaults());
        String target = db.newDatabase();
        PgTools.Result restore = PgTools.forServer(db.server()).psqlFile(target, file);
        assertThat(restore.exitCode()).as("psql stderr: %s", restore.stderr()).isZero();
        String columns = "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute"
                + " WHERE attrelid = 'child'::regclass AND attnum > 0";
        assertThat(PgTools.forServer(db.server()).psqlCommand(target, columns).stdout().strip()).isEqualTo("a,b,c,d");
        try (Connection source = db.connect(); Connection copy = db.server().connect(target)) {
            assertThat(DataFingerprint.of(copy)).isEqualTo(DataFingerprint.of(source));
        }
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_inherits WHERE inhrelid = 'child'::regclass")).isOne();
    }

    @Test
    void kindsOnceRefusedAreBackedUp() throws Exception {
        db.execute("CREATE FUNCTION same(integer, integer) RETURNS boolean LANGUAGE sql AS 'SELECT $1 = $2';"
                + " CREATE OPERATOR === (LEFTARG = integer, RIGHTARG = integer, FUNCTION = same);"
                + " CREATE TEXT SEARCH CONFIGURATION my_search (COPY = english);"
                + " CREATE FOREIGN DATA WRAPPER my_wrapper; CREATE TYPE my_shell;"
                + " CREATE TABLE fine (id integer)");
        Path file = dumpToFile(DumpOptions.defaults());
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).contains("CREATE OPERATOR \"public\".===")
                .contains("CREATE TEXT SEARCH CONFIGURATION \"public\".\"my_search\"")
                .contains("CREATE FOREIGN DATA WRAPPER \"my_wrapper\"").contains("CREATE TYPE \"public\".\"my_shell\";");
        String target = db.newDatabase();
        PgTools.Result restore = PgTools.forServer(db.server()).psqlFile(target, file);
        assertThat(restore.exitCode()).as(restore.stderr()).isZero();
        Fingerprints.assertSame(fingerprint(target, false), fingerprint(db.name(), false), "restored");
    }

    private Map<String, String> fingerprint(String database, boolean privileges) throws Exception {
        try (Connection c = db.server().connect(database)) {
            return privileges ? CatalogFingerprint.withOwnersAndPrivileges(c) : CatalogFingerprint.of(c);
        }
    }

    private Path dumpToFile(DumpOptions options) throws Exception {
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        try (Connection source = db.connect()) {
            new Dumper(options).dump(source, script, DumpProgress.NONE);
        }
        Path file = dir.resolve("dump-" + (options.keepOwnersAndPrivileges() ? "owners" : "plain") + ".sql");
        Files.write(file, script.toByteArray());
        return file;
    }

    private DumpResult assertRoundTrip() throws Exception {
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        DumpResult result;
        try (Connection source = db.connect()) {
            result = new Dumper(DumpOptions.defaults()).dump(source, script, DumpProgress.NONE);
        }
        Path file = dir.resolve("dump.sql");
        Files.write(file, script.toByteArray());
        assertThat(script.toString(StandardCharsets.UTF_8)).endsWith(Dumper.COMPLETION_MARKER + "\n");

        PgTools tools = PgTools.forServer(db.server());
        String target = db.newDatabase();
        PgTools.Result restore = tools.psqlFile(target, file);
        assertThat(restore.exitCode()).as("psql stderr: %s", restore.stderr()).isZero();
        assertThat(restore.stderr()).isEmpty();

        assertThat(tools.schema(target)).isEqualTo(tools.schema(db.name()));
        Map<String, String> expected;
        Map<String, String> actual;
        try (Connection source = db.connect(); Connection restored = db.server().connect(target)) {
            expected = DataFingerprint.of(source);
            actual = DataFingerprint.of(restored);
        }
        assertThat(actual).isEqualTo(expected);
        return result;
    }

    private DumpResult dump(String database) throws Exception {
        try (Connection source = db.server().connect(database)) {
            return new Dumper(DumpOptions.defaults()).dump(source, new ByteArrayOutputStream(), DumpProgress.NONE);
        }
    }
}
