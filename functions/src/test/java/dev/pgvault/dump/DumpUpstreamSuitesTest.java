package dev.pgvault.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgvault.sandbox.ThrowawayPostgres;
import dev.pgvault.testing.CatalogFingerprint;
import dev.pgvault.testing.PgTools;
import dev.pgvault.testing.Subscriptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * PostgreSQL's own suites as fixtures, at test time: the database the core regression suite
 * leaves behind (about 5,000 objects of every kind; pg_upgrade's test dumps and restores it),
 * made on a throwaway cluster of this test's own, dumped by pgvault with owners and
 * privileges, restored three ways, and compared with pg_dump's output (identical) and with the
 * catalog fingerprint.
 *
 * <p>Needs the PostgreSQL 15 source's {@code src/test/regress} (not copied into this project):
 * {@code apt-get source postgresql-15} (with deb-src entries, see shared TESTING.md), then
 * {@code -Dpgvault.pg.source=<the unpacked postgresql-15.x directory>} or the environment
 * variable {@code PGVAULT_PG_SOURCE}; and {@code pg_regress}, which Debian's
 * postgresql-server-dev-15 installs. Without them the test is skipped, saying so.
 */
class DumpUpstreamSuitesTest {
    @TempDir
    Path dir;

    private static String configured() {
        String configured = System.getProperty("pgvault.pg.source", System.getenv("PGVAULT_PG_SOURCE"));
        return configured == null || configured.isBlank() ? null : configured;
    }

    /**
     * Where the source is configured (CI: {@code .ci/run} fetches it), whatever is missing fails
     * the test; on a machine without it, the test is skipped saying what to set.
     */
    private static void need(boolean present, String what) {
        if (configured() != null) {
            assertThat(present).as("%s (PGVAULT_PG_SOURCE/-Dpgvault.pg.source is set to %s: this suite must run)",
                    what, configured()).isTrue();
        } else {
            assumeTrue(present, "skipped: " + what);
        }
    }

    private static Path source() {
        String configured = configured();
        if (configured == null) {
            return null;
        }
        Path regress = Path.of(configured, "src", "test", "regress");
        return Files.isRegularFile(regress.resolve("parallel_schedule")) ? regress : null;
    }

    @Test
    void theRegressionSuitesDatabaseRestoresAsPgDumpSeesIt() throws Exception {
        Path regress = source();
        need(regress != null, "set -Dpgvault.pg.source (or PGVAULT_PG_SOURCE) to an unpacked"
                + " PostgreSQL 15 source tree (apt-get source postgresql-15) to run the regression suite's database");
        Path bin = PgTools.localBinaries().orElse(null);
        need(bin != null, "needs the machine's PostgreSQL 15 (psql, pg_dump)");
        Path pgRegress = bin.resolve("../lib/pgxs/src/test/regress/pg_regress").normalize();
        need(Files.isExecutable(pgRegress), "no " + pgRegress + " (install postgresql-server-dev-15)");

        try (ThrowawayPostgres server = ThrowawayPostgres.start()) {
            PgTools tools = PgTools.withBinaries(bin, server);
            try (Connection c = server.connect("postgres"); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE regression TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
            }
            Path out = dir.resolve("regress");
            Files.createDirectories(out);
            PgTools.Result run = PgTools.run(List.of(pgRegress.toString(), "--use-existing", "--host=127.0.0.1",
                    "--port=" + server.port(), "--user=" + server.superuser(), "--dbname=regression",
                    "--schedule=" + regress.resolve("parallel_schedule"), "--bindir=" + bin,
                    "--inputdir=" + regress, "--outputdir=" + out, "--dlpath=" + out, "--max-connections=4"));
            // Tests that need the suite's own C library (regress.so, not installed by packages) fail;
            // the rest leave their objects behind.
            long passed = run.stdout().lines().filter(line -> line.matches(".*\\.\\.\\. ok .*")).count();
            assertThat(passed).as("regression tests that ran: %s", run.stdout()).isGreaterThan(150);

            Path file = dir.resolve("regression.sql");
            DumpOptions options = DumpOptions.defaults().withOwnersAndPrivileges(true);
            Restores.dump(server, "regression", options, file);
            List<String> made = new ArrayList<>();
            try {
                Map<String, String> restored = Restores.everyWay(server, tools, file, 1 << 16, () -> {
                    String database = "restored_" + made.size();
                    try (Connection c = server.connect("postgres"); Statement st = c.createStatement()) {
                        st.execute("CREATE DATABASE " + database
                                + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'");
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                    made.add(database);
                    return database;
                });
                String expected = PgTools.normalize(tools.dump("regression", "--schema-only"));
                Map<String, String> fingerprint = fingerprint(server, "regression");
                Set<String> materialized = materializedViews(server, "regression");
                for (Map.Entry<String, String> way : restored.entrySet()) {
                    assertThat(PgTools.normalize(tools.dump(way.getValue(), "--schema-only")))
                            .as("pg_dump of the database restored by " + way.getKey()).isEqualTo(expected);
                    assertSameButKnown(fingerprint(server, way.getValue()), fingerprint, materialized,
                            "restored by " + way.getKey());
                }
            } finally {
                made.forEach(database -> Subscriptions.dropDatabase(server, database));
                Subscriptions.dropAll(server, "regression");
            }
        }
    }

    /**
     * The objects pg_dump's own TAP test makes (src/bin/pg_dump/t/002_pg_dump.pl: roles, schemas,
     * every kind of object, privileges, a subscription, ...), read from that file by a small Perl
     * script of ours (fixtures/upstream/pg_dump_objects.pl) and made in a cluster of the test's own;
     * its databases dumped by pgvault with owners and privileges, restored three ways, and compared
     * with pg_dump's output and the fingerprint.
     */
    @Test
    void thePgDumpTestsObjectsRestoreAsPgDumpSeesThem() throws Exception {
        Path regress = source();
        need(regress != null, "set -Dpgvault.pg.source (or PGVAULT_PG_SOURCE) to an unpacked"
                + " PostgreSQL 15 source tree (apt-get source postgresql-15) to make pg_dump's test objects");
        Path tapTest = regress.resolve("../../bin/pg_dump/t/002_pg_dump.pl").normalize();
        Path bin = PgTools.localBinaries().orElse(null);
        need(bin != null && Files.isRegularFile(tapTest), "needs the machine's PostgreSQL 15 and " + tapTest);
        Path extractor = dir.resolve("pg_dump_objects.pl");
        try (java.io.InputStream in = getClass().getResourceAsStream("/fixtures/upstream/pg_dump_objects.pl")) {
            Files.copy(in, extractor);
        }
        PgTools.Result extracted = PgTools.run(List.of("perl", extractor.toString(), tapTest.toString(), dir.toString()));
        assertThat(extracted.exitCode()).as("perl: %s", extracted.stderr()).isZero();
        Path objects = dir.resolve("objects.sql");
        Files.writeString(objects, extracted.stdout());

        try (ThrowawayPostgres server = ThrowawayPostgres.start()) {
            PgTools tools = PgTools.withBinaries(bin, server);
            try (Connection c = server.connect("postgres"); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE regress_pg_dump_test");
                st.execute("CREATE DATABASE regress_public_owner");
            }
            PgTools.Result made = tools.psqlFilePlain("postgres", objects);
            assertThat(made.exitCode()).as("making pg_dump's test objects: %s", made.stderr()).isZero();
            List<String> restoredDatabases = new ArrayList<>();
            try {
                for (String database : List.of("postgres", "regress_pg_dump_test")) {
                    Path file = dir.resolve(database + ".sql");
                    Restores.dump(server, database, DumpOptions.defaults().withOwnersAndPrivileges(true), file);
                    Map<String, String> restored = Restores.everyWay(server, tools, file, 1 << 16, () -> {
                        String name = "restored_" + restoredDatabases.size();
                        try (Connection c = server.connect("postgres"); Statement st = c.createStatement()) {
                            st.execute("CREATE DATABASE " + name + " TEMPLATE template0");
                        } catch (java.sql.SQLException e) {
                            throw new IllegalStateException(e);
                        }
                        restoredDatabases.add(name);
                        return name;
                    });
                    String expected = PgTools.normalize(tools.dump(database, "--schema-only"));
                    Map<String, String> fingerprint = fingerprint(server, database);
                    Set<String> materialized = materializedViews(server, database);
                    for (Map.Entry<String, String> way : restored.entrySet()) {
                        assertThat(PgTools.normalize(tools.dump(way.getValue(), "--schema-only")))
                                .as("pg_dump of " + database + " restored by " + way.getKey()).isEqualTo(expected);
                        assertSameButKnown(fingerprint(server, way.getValue()), fingerprint, materialized,
                                database + " restored by " + way.getKey());
                    }
                }
            } finally {
                restoredDatabases.forEach(database -> Subscriptions.dropDatabase(server, database));
                Subscriptions.dropAll(server, "postgres");
            }
        }
    }

    /**
     * Security labels, which need a label provider loaded in the server: PostgreSQL's test module
     * dummy_seclabel (from the same source tree, built here with PGXS, which needs
     * postgresql-server-dev-15) preloaded in a cluster of the test's own. Labels on a schema, a
     * table, a column, a view, a sequence, a function, a type and a large object survive a pgvault
     * dump and the three restores, as pg_dump sees them.
     */
    @Test
    void securityLabelsRestoreWhereTheirProviderIsLoaded() throws Exception {
        Path regress = source();
        need(regress != null, "set -Dpgvault.pg.source (or PGVAULT_PG_SOURCE) to an unpacked"
                + " PostgreSQL 15 source tree (apt-get source postgresql-15) to build the dummy_seclabel provider");
        Path bin = PgTools.localBinaries().orElse(null);
        need(bin != null, "needs the machine's PostgreSQL 15 (psql, pg_dump, pg_config)");
        Path module = dir.resolve("dummy_seclabel");
        PgTools.run(List.of("cp", "-r", regress.resolve("../modules/dummy_seclabel").normalize().toString(),
                module.toString()));
        PgTools.Result built = PgTools.run(List.of("make", "-C", module.toString(), "USE_PGXS=1",
                "PG_CONFIG=" + bin.resolve("pg_config"), "with_llvm=no"));
        need(built.exitCode() == 0, "building dummy_seclabel with PGXS (install postgresql-server-dev-15): "
                + built.stderr());
        Path library = module.resolve("dummy_seclabel.so");
        // The server may run as another user than the test (root runs it as postgres): let it read the library.
        for (Path p : List.of(dir, module, library)) {
            Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }

        try (ThrowawayPostgres server = ThrowawayPostgres.start(Map.of("shared_preload_libraries", library.toString()))) {
            PgTools tools = PgTools.withBinaries(bin, server);
            try (Connection c = server.connect("postgres"); Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE labelled");
            }
            try (Connection c = server.connect("labelled"); Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA vault; SECURITY LABEL ON SCHEMA vault IS 'secret';"
                        + " CREATE TABLE vault.users (id int PRIMARY KEY, email text);"
                        + " SECURITY LABEL ON TABLE vault.users IS 'classified';"
                        + " SECURITY LABEL ON COLUMN vault.users.email IS 'top secret';"
                        + " INSERT INTO vault.users VALUES (1, 'a@example.com');"
                        + " CREATE VIEW vault.ids AS SELECT id FROM vault.users;"
                        + " SECURITY LABEL ON VIEW vault.ids IS 'unclassified';"
                        + " CREATE SEQUENCE vault.counter; SECURITY LABEL ON SEQUENCE vault.counter IS 'secret';"
                        + " CREATE FUNCTION vault.one() RETURNS int LANGUAGE sql AS 'SELECT 1';"
                        + " SECURITY LABEL ON FUNCTION vault.one() IS 'classified';"
                        + " CREATE TYPE vault.mood AS ENUM ('ok'); SECURITY LABEL ON TYPE vault.mood IS 'unclassified';"
                        + " SELECT lo_from_bytea(4242, 'blob'); SECURITY LABEL ON LARGE OBJECT 4242 IS 'secret'");
            }
            Path file = dir.resolve("labelled.sql");
            Restores.dump(server, "labelled", DumpOptions.defaults(), file);
            assertThat(Files.readString(file)).contains("SECURITY LABEL FOR").contains("'top secret'");
            List<String> made = new ArrayList<>();
            Map<String, String> restored = Restores.everyWay(server, tools, file, 1 << 16, () -> {
                String name = "labelled_" + made.size();
                try (Connection c = server.connect("postgres"); Statement st = c.createStatement()) {
                    st.execute("CREATE DATABASE " + name + " TEMPLATE template0");
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
                made.add(name);
                return name;
            });
            String expected = labels(server, "labelled");
            assertThat(expected.lines().count()).as(expected).isEqualTo(8);
            for (Map.Entry<String, String> way : restored.entrySet()) {
                assertThat(labels(server, way.getValue())).as("labels restored by " + way.getKey()).isEqualTo(expected);
                assertThat(PgTools.normalize(tools.dump(way.getValue(), "--schema-only")))
                        .as("pg_dump of the database restored by " + way.getKey())
                        .isEqualTo(PgTools.normalize(tools.dump("labelled", "--schema-only")));
            }
        }
    }

    /** Every label in the database, as "kind name: provider label" lines. */
    private static String labels(ThrowawayPostgres server, String database) throws Exception {
        List<String> lines = new ArrayList<>();
        try (Connection c = server.connect(database); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT objtype || ' ' || objname || ': ' || provider || ' ' || label"
                        + " FROM pg_seclabels ORDER BY 1")) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return String.join("\n", lines);
    }

    private static Map<String, String> fingerprint(ThrowawayPostgres server, String database) throws Exception {
        try (Connection c = server.connect(database)) {
            return CatalogFingerprint.withOwnersAndPrivileges(c);
        }
    }

    private static Set<String> materializedViews(ThrowawayPostgres server, String database) throws Exception {
        Set<String> found = new HashSet<>();
        try (Connection c = server.connect(database); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT 'table ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname)"
                        + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'm'")) {
            while (rs.next()) {
                found.add(rs.getString(1));
            }
        }
        return found;
    }

    /**
     * The same, but for what no dump restores and pg_dump's output does not show either: the
     * names PostgreSQL gives a partitioned foreign key's copies (by creation order), shell
     * operators nothing refers to (SQL cannot make one alone), comments left on dropped objects,
     * materialized views' rows (a restore refreshes them; the suite leaves some stale), and the
     * public schema a new database has where the source dropped it.
     */
    private static void assertSameButKnown(Map<String, String> actual, Map<String, String> expected,
                                           Set<String> materialized, String what) {
        List<String> differences = new ArrayList<>();
        Set<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String key : keys) {
            String want = expected.get(key);
            String got = actual.get(key);
            if (Objects.equals(want, got) || materialized.contains(key) || key.equals("comment null")) {
                continue;
            }
            String value = want != null ? want : got;
            String[] fields = value.split(" \\| ");
            boolean partitionCopy = key.startsWith("constraint ") && fields[0].equals("f")
                    && !fields[fields.length - 2].equals("null");
            boolean shellOperator = key.startsWith("operator ") && got == null && fields[0].equals("-");
            // A database without the public schema: a new one has it (pg_dump does not drop it either).
            boolean noPublic = want == null && (key.equals("schema public") || key.equals("comment schema public"));
            if (!partitionCopy && !shellOperator && !noPublic) {
                differences.add(key + "\n    source:   " + want + "\n    restored: " + got);
            }
        }
        if (!differences.isEmpty()) {
            throw new AssertionFailedError(what + ": " + differences.size() + " entries differ\n  "
                    + String.join("\n  ", differences));
        }
    }
}
