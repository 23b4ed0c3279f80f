package dev.pgvault.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.UnsupportedObjectException;
import dev.pgvault.testing.FidelityFixture;
import dev.pgvault.testing.PgTools;
import dev.pgvault.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's defects, each on the smallest database that shows it, on the machine's
 * PostgreSQL 15: dumped, restored by plain psql, psql --single-transaction and pgvault's
 * restore, and compared with the source (catalog fingerprint; pg_dump's own output where it
 * says more). {@link DumpVersionMatrixTest} runs the whole fixture on 13 to 18.
 */
class DumpFidelityRoundTwoTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path dir;

    private Map<String, String> roundTrip(DumpOptions options) throws Exception {
        PgTools tools = PgTools.forServer(db.server());
        Map<String, String> restored = Restores.roundTrip(db.server(), tools, db.name(), options,
                dir.resolve("dump.sql"), db::newDatabase);
        for (String database : restored.values()) {
            if (options.keepOwnersAndPrivileges()) {
                assertThat(PgTools.normalize(tools.dump(database, "--schema-only")))
                        .isEqualTo(PgTools.normalize(tools.dump(db.name(), "--schema-only")));
            } else {
                assertThat(tools.schema(database)).isEqualTo(tools.schema(db.name()));
            }
        }
        return restored;
    }

    @Test
    void theWholeFixtureRestoresThreeWays() throws Exception {
        try (Connection c = db.connect()) {
            FidelityFixture.load(c);
            FidelityFixture.loadKinds(c);
        }
        roundTrip(DumpOptions.defaults());
    }

    @Test
    void theWholeFixtureWithOwnersAndPrivilegesRestoresThreeWays() throws Exception {
        try (Connection c = db.connect()) {
            FidelityFixture.load(c);
            FidelityFixture.loadKinds(c);
            FidelityFixture.loadPrivileges(c);
        }
        roundTrip(DumpOptions.defaults().withOwnersAndPrivileges(true));
    }

    /** Defect 1: PostgreSQL before 16 refuses a child's own generation expression under INHERITS. */
    @Test
    void aChildRestatingItsParentsGeneratedColumnRestores() throws Exception {
        db.execute("CREATE TABLE p (a integer, g integer GENERATED ALWAYS AS (a * 2) STORED, d integer DEFAULT 5);"
                + " CREATE TABLE c (g integer, e text) INHERITS (p);"
                + " CREATE TABLE c2 (d integer) INHERITS (p);" // no default of its own: must not get p's
                + " INSERT INTO c (a, e) VALUES (1, 'x'); INSERT INTO c2 (a) VALUES (2)");
        roundTrip(DumpOptions.defaults());
    }

    /** Defect 2: plain psql runs each statement in its own transaction; descriptors do not survive that. */
    @Test
    void largeObjectsRestoreWithPlainPsql() throws Exception {
        db.execute("SELECT lo_from_bytea(5001, decode(repeat('00ff', 300000), 'hex'));"
                + " SELECT lo_from_bytea(5002, 'short'::bytea); SELECT lo_create(5003)");
        Path file = dir.resolve("lo.sql");
        Restores.dump(db.server(), db.name(), DumpOptions.defaults(), file);
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).doesNotContain("lo_open");
        Map<String, String> restored = roundTrip(DumpOptions.defaults());
        assertThat(db.queryLong(restored.get("psql"), "SELECT length(lo_get(5001))")).isEqualTo(600000);
    }

    /** Defect 3: a materialized view's column settings. */
    @Test
    void materializedViewColumnsKeepCompressionStatisticsStorageAndOptions() throws Exception {
        db.execute("CREATE MATERIALIZED VIEW mv WITH (toast.autovacuum_enabled = false) AS"
                + " SELECT 1 AS id, 'x'::text AS payload;"
                + " ALTER MATERIALIZED VIEW mv ALTER COLUMN payload SET COMPRESSION pglz;"
                + " ALTER MATERIALIZED VIEW mv ALTER COLUMN payload SET STORAGE EXTERNAL;"
                + " ALTER MATERIALIZED VIEW mv ALTER COLUMN id SET STATISTICS 77;"
                + " ALTER MATERIALIZED VIEW mv ALTER COLUMN id SET (n_distinct = 3)");
        Map<String, String> restored = roundTrip(DumpOptions.defaults());
        assertThat(db.queryLong(restored.get("pgvault"), "SELECT count(*) FROM pg_attribute"
                + " WHERE attrelid = 'mv'::regclass AND attcompression = 'p'")).isOne();
    }

    /** Defect 4: privileges changed on objects the restore does not create. */
    @Test
    void privilegesOnBuiltInObjectsAreKept() throws Exception {
        db.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pgv_reader')"
                + " THEN CREATE ROLE pgv_reader; END IF; END $$;"
                + " CREATE EXTENSION pgcrypto;"
                + " REVOKE EXECUTE ON FUNCTION pg_catalog.pg_sleep(double precision) FROM PUBLIC;"
                + " GRANT EXECUTE ON FUNCTION pg_catalog.pg_stat_reset() TO pgv_reader WITH GRANT OPTION;"
                + " GRANT SELECT (rolname) ON pg_catalog.pg_authid TO pgv_reader;"
                + " REVOKE USAGE ON LANGUAGE plpgsql FROM PUBLIC; GRANT USAGE ON LANGUAGE plpgsql TO pgv_reader;"
                + " REVOKE EXECUTE ON FUNCTION public.digest(text, text) FROM PUBLIC");
        Map<String, String> restored = roundTrip(DumpOptions.defaults().withOwnersAndPrivileges(true));
        assertThat(db.queryLong(restored.get("psql"), "SELECT count(*) FROM pg_language"
                + " WHERE lanname = 'plpgsql' AND NOT has_language_privilege('public', oid, 'USAGE')")).isOne();
    }

    /** Defect 7: columns added to a parent after its child existed stay only inherited in the child. */
    @Test
    void onlyInheritedColumnsStayOnlyInherited() throws Exception {
        db.execute("CREATE TABLE parent (a integer, b text CHECK (b <> ''));"
                + " CREATE TABLE child (c integer) INHERITS (parent);"
                + " ALTER TABLE parent ADD COLUMN d date; ALTER TABLE parent ADD COLUMN e integer NOT NULL DEFAULT 1;"
                + " INSERT INTO child VALUES (1, 'x', 2, '2026-01-01', 3)");
        Map<String, String> restored = roundTrip(DumpOptions.defaults());
        for (String database : restored.values()) {
            db.execute(database, "ALTER TABLE parent DROP COLUMN d");
            assertThat(db.queryLong(database, "SELECT count(*) FROM pg_attribute WHERE attrelid = 'child'::regclass"
                    + " AND attname = 'd' AND NOT attisdropped")).isZero();
            assertThat(db.queryLong(database, "SELECT count(*) FROM pg_inherits WHERE inhrelid = 'child'::regclass"))
                    .isOne();
        }
    }

    /** Defect 8: an identity column's sequence keeps its own persistence. */
    @Test
    void identitySequencesKeepTheirOwnPersistence() throws Exception {
        db.execute("CREATE UNLOGGED TABLE u (id integer GENERATED ALWAYS AS IDENTITY);"
                + " ALTER SEQUENCE u_id_seq SET LOGGED;"
                + " CREATE TABLE l (id integer GENERATED BY DEFAULT AS IDENTITY);"
                + " ALTER SEQUENCE l_id_seq SET UNLOGGED; INSERT INTO u DEFAULT VALUES");
        Map<String, String> restored = roundTrip(DumpOptions.defaults());
        assertThat(db.queryLong(restored.get("pgvault"),
                "SELECT count(*) FROM pg_class WHERE relname = 'u_id_seq' AND relpersistence = 'p'")).isOne();
    }

    /** Tablespaces are kept by default; left out on request, everything lands in the target's default. */
    @Test
    void tablespacesAreKeptOrLeftOutOnRequest() throws Exception {
        try (Connection c = db.connect()) {
            FidelityFixture.ensureTablespace(c, "pgvault_test_space");
        }
        db.execute("CREATE TABLE spaced (id integer PRIMARY KEY USING INDEX TABLESPACE pgvault_test_space, v text)"
                + " TABLESPACE pgvault_test_space; CREATE INDEX spaced_v ON spaced (v) TABLESPACE pgvault_test_space;"
                + " INSERT INTO spaced VALUES (1, 'a')");
        roundTrip(DumpOptions.defaults());
        Path file = dir.resolve("no-tablespaces.sql");
        Restores.dump(db.server(), db.name(), DumpOptions.defaults().withTablespaces(false), file);
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).doesNotContain("pgvault_test_space");
        String target = db.newDatabase();
        PgTools.Result restore = PgTools.forServer(db.server()).psqlFilePlain(target, file);
        assertThat(restore.exitCode()).as(restore.stderr()).isZero();
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_class WHERE reltablespace <> 0"
                + " AND relname IN ('spaced', 'spaced_pkey', 'spaced_v')")).isZero();
        assertThat(db.queryLong(target, "SELECT count(*) FROM spaced")).isOne();
    }

    /** Defect 9: SQL_ASCII text has no encoding a UTF-8 script can carry; refused by name, nothing written. */
    @Test
    void anSqlAsciiDatabaseIsRefusedClearly() throws Exception {
        String ascii = "sqlascii_" + ProcessHandle.current().pid();
        db.execute("postgres", "DROP DATABASE IF EXISTS " + ascii);
        db.execute("postgres", "CREATE DATABASE " + ascii
                + " TEMPLATE template0 ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C'");
        try {
            db.execute(ascii, "CREATE TABLE t (v text); INSERT INTO t VALUES (convert_from('\\xe9'::bytea, 'SQL_ASCII'))");
            assertThatThrownBy(() -> Restores.dump(db.server(), ascii, DumpOptions.defaults(), dir.resolve("a.sql")))
                    .isInstanceOf(UnsupportedObjectException.class)
                    .hasMessageContaining("SQL_ASCII")
                    .hasMessageContaining("Nothing was written");
        } finally {
            db.server().dropDatabase(ascii);
        }
    }
}
