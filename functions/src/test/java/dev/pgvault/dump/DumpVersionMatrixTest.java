package dev.pgvault.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pgvault.restore.ScriptApplier;
import dev.pgvault.sandbox.ThrowawayPostgres;
import dev.pgvault.testing.CatalogFingerprint;
import dev.pgvault.testing.DataFingerprint;
import dev.pgvault.testing.FidelityFixture;
import dev.pgvault.testing.Fingerprints;
import dev.pgvault.testing.PgTools;
import dev.pgvault.testing.PostgresVersions;
import dev.pgvault.testing.Subscriptions;
import dev.pgvault.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fidelity round trip on PostgreSQL 13 to 18, on embedded servers (binaries from Maven
 * Central). They have no psql or pg_dump, so the restore is our own and the oracle is the
 * catalog fingerprint of source and restored database on the same server. Which versions run
 * is {@code -Dpgvault.pg.versions} (see {@link PostgresVersions}; "all" for every one).
 */
class DumpVersionMatrixTest {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @RegisterExtension
    final TestDatabase local = new TestDatabase();

    static Stream<Integer> versions() {
        return PostgresVersions.selected().stream();
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void everyObjectKindRoundTrips(int version) throws Exception {
        roundTrip(version, false);
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void ownersAndPrivilegesRoundTripWhenKept(int version) throws Exception {
        roundTrip(version, true);
    }

    /** Users restore dumps they already have: pg_dump 15's script goes into newer servers too. */
    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void pgDump15ScriptRestoresIntoANewerServer(int version) throws Exception {
        assumeTrue(version > 15, "pg_dump 15 writes for 15 and newer");
        try (Connection c = local.connect()) {
            FidelityFixture.loadBase(c); // pg_dump does not keep an inheritance child's column order (round-two.sql)
        }
        byte[] script = PgTools.forServer(local.server()).dump(local.name(), "--no-owner", "--no-privileges")
                .getBytes(StandardCharsets.UTF_8);
        ThrowawayPostgres server = PostgresVersions.server(version);
        String target = server.createDatabase(name("pgdump"));
        try {
            try (Connection c = server.connect(target)) {
                c.setAutoCommit(false);
                ScriptApplier.Outcome outcome = ScriptApplier.apply(new ByteArrayInputStream(script), c,
                        ScriptApplier.Progress.NONE);
                c.commit();
                assertThat(outcome.producer()).isEqualTo("pg_dump");
            }
            // Definitions render differently across versions; the data and every object's presence must not.
            try (Connection source = local.connect(); Connection restored = server.connect(target)) {
                assertThat(unquoted(DataFingerprint.of(restored))).isEqualTo(unquoted(DataFingerprint.of(source)));
                assertThat(objects(CatalogFingerprint.of(restored)))
                        .containsExactlyElementsOf(objects(CatalogFingerprint.of(source)));
            }
        } finally {
            server.dropDatabase(target);
        }
    }

    /**
     * A backup taken on an older server restores into the newest one (a major upgrade by
     * backup and restore). Runs when the newest version is among those selected, e.g. with "all".
     */
    @ParameterizedTest(name = "PostgreSQL {0} to 18")
    @MethodSource("versions")
    void aBackupFromAnOlderServerRestoresIntoTheNewest(int version) throws Exception {
        assumeTrue(version < 18 && PostgresVersions.selected().contains(18), "needs PostgreSQL 18 selected too");
        ThrowawayPostgres older = PostgresVersions.server(version);
        ThrowawayPostgres newest = PostgresVersions.server(18);
        String source = older.createDatabase(name("older"));
        String target = newest.createDatabase(name("newest"));
        try {
            try (Connection c = older.connect(source)) {
                FidelityFixture.load(c);
                FidelityFixture.loadKinds(c);
            }
            try (Connection c = newest.connect("postgres")) {
                FidelityFixture.ensureTablespace(c, "pgvault_test_space");
            }
            ByteArrayOutputStream script = new ByteArrayOutputStream();
            try (Connection c = older.connect(source)) {
                new Dumper(DumpOptions.defaults()).dump(c, script, DumpProgress.NONE);
            }
            try (Connection c = newest.connect(target)) {
                c.setAutoCommit(false);
                ScriptApplier.apply(new ByteArrayInputStream(script.toByteArray()), c, ScriptApplier.Progress.NONE);
                c.commit();
            }
            try (Connection from = older.connect(source); Connection to = newest.connect(target)) {
                assertThat(unquoted(DataFingerprint.of(to))).isEqualTo(unquoted(DataFingerprint.of(from)));
                assertThat(objects(CatalogFingerprint.of(to))).containsExactlyElementsOf(objects(CatalogFingerprint.of(from)));
            }
        } finally {
            Subscriptions.dropDatabase(older, source);
            Subscriptions.dropDatabase(newest, target);
        }
    }

    /**
     * Issue 11, defect 6: an extension's configuration tables hold rows of the user's, which
     * pg_dump dumps (those its condition selects); the extension brings its own when created.
     * Runs on embedded servers, whose extension directory the test can add to.
     */
    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void extensionConfigurationRowsRoundTrip(int version) throws Exception {
        ThrowawayPostgres server = PostgresVersions.server(version);
        installTestExtension(server);
        String source = server.createDatabase(name("extconfig"));
        java.util.List<String> made = new java.util.ArrayList<>(java.util.List.of(source));
        java.nio.file.Path file = java.nio.file.Files.createTempFile("extconfig", ".sql");
        try {
            try (Connection c = server.connect(source); java.sql.Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA app; CREATE EXTENSION pgvault_config_test WITH SCHEMA app;"
                        + " INSERT INTO app.config_settings (name) VALUES ('mine'), ('also mine');"
                        + " INSERT INTO app.config_all VALUES ('k', 'v');"
                        + " CREATE TABLE app.uses (setting integer REFERENCES app.config_settings (id));"
                        + " INSERT INTO app.uses VALUES (2)");
            }
            Restores.dump(server, source, DumpOptions.defaults(), file);
            Map<String, String> restored = Restores.everyWay(server, localPsql(server), file, () -> {
                String database = server.createDatabase(name("extconfig_target"));
                made.add(database);
                return database;
            });
            Map<String, String> expected = Restores.fingerprint(server, source, false);
            for (Map.Entry<String, String> way : restored.entrySet()) {
                Fingerprints.assertSame(Restores.fingerprint(server, way.getValue(), false), expected,
                        "PostgreSQL " + version + " restored by " + way.getKey());
            }
            assertThat(expected.get("table app.config_settings")).startsWith("3 rows");
            assertThat(expected.get("table app.config_fixed")).startsWith("1 rows");
        } finally {
            java.nio.file.Files.deleteIfExists(file);
            made.forEach(database -> Subscriptions.dropDatabase(server, database));
        }
    }

    /** Puts the test extension (fixtures/extension/) into an embedded server's extension directory. */
    static void installTestExtension(ThrowawayPostgres server) throws Exception {
        String share;
        try (Connection c = server.connect("postgres"); java.sql.Statement st = c.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT setting FROM pg_config WHERE name = 'SHAREDIR'")) {
            rs.next();
            share = rs.getString(1);
        }
        assumeTrue(server.description().startsWith("embedded"),
                "the test extension is installed into embedded servers only, not into " + share);
        java.nio.file.Path extension = java.nio.file.Path.of(share, "extension");
        for (String file : java.util.List.of("pgvault_config_test.control", "pgvault_config_test--1.0.sql")) {
            try (java.io.InputStream in = DumpVersionMatrixTest.class.getResourceAsStream("/fixtures/extension/" + file)) {
                java.nio.file.Files.copy(in, extension.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /**
     * Issue 11, defect 5: names that are keywords only on newer servers (system_user from 16),
     * dumped from 13 and from the machine's 15, restore into 18.
     */
    @org.junit.jupiter.api.Test
    void keywordsOfNewerServersAsNamesRestoreFrom13And15Into18() throws Exception {
        for (ThrowawayPostgres older : java.util.List.of(PostgresVersions.server(13), local.server())) {
            ThrowawayPostgres newest = PostgresVersions.server(18);
            String source = older.createDatabase(name("keywords"));
            java.util.List<String> made = new java.util.ArrayList<>();
            java.nio.file.Path file = java.nio.file.Files.createTempFile("keywords", ".sql");
            try {
                try (Connection c = older.connect(source); java.sql.Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE \"system_user\" (system_user text, json_table integer, merge_action text,"
                            + " CHECK (merge_action <> ''));"
                            + " CREATE INDEX ON \"system_user\" (system_user, (json_table + 1));"
                            + " CREATE VIEW json_scalar AS SELECT system_user, json_table FROM \"system_user\";"
                            + " INSERT INTO \"system_user\" VALUES ('me', 1, 'insert')");
                }
                Restores.dump(older, source, DumpOptions.defaults(), file);
                Map<String, String> restored = Restores.everyWay(newest, localPsql(newest), file, () -> {
                    String database = newest.createDatabase(name("keywords_target"));
                    made.add(database);
                    return database;
                });
                for (String target : restored.values()) {
                    try (Connection from = older.connect(source); Connection to = newest.connect(target)) {
                        assertThat(unquoted(DataFingerprint.of(to))).isEqualTo(unquoted(DataFingerprint.of(from)));
                        assertThat(objects(CatalogFingerprint.of(to)))
                                .containsExactlyElementsOf(objects(CatalogFingerprint.of(from)));
                    }
                }
            } finally {
                java.nio.file.Files.deleteIfExists(file);
                older.dropDatabase(source);
                made.forEach(newest::dropDatabase);
            }
        }
    }

    private void roundTrip(int version, boolean ownersAndPrivileges) throws Exception {
        ThrowawayPostgres server = PostgresVersions.server(version);
        String source = server.createDatabase(name("source"));
        java.util.List<String> made = new java.util.ArrayList<>(java.util.List.of(source));
        try {
            try (Connection c = server.connect(source)) {
                FidelityFixture.load(c);
                FidelityFixture.loadKinds(c);
                if (ownersAndPrivileges) {
                    FidelityFixture.loadPrivileges(c);
                }
            }
            DumpOptions options = DumpOptions.defaults().withOwnersAndPrivileges(ownersAndPrivileges);
            java.nio.file.Path file = java.nio.file.Files.createTempFile("matrix", ".sql");
            try {
                DumpResult result = Restores.dump(server, source, options, file);
                assertThat(result.serverVersionNum() / 10000).isEqualTo(version);
                // psql, where the machine has it, speaks to newer servers too: plain, -1, and our restore.
                Map<String, String> restored = Restores.everyWay(server, localPsql(server), file, () -> {
                    String database = server.createDatabase(name("target"));
                    made.add(database);
                    return database;
                });
                Map<String, String> expected = Restores.fingerprint(server, source, ownersAndPrivileges);
                for (Map.Entry<String, String> way : restored.entrySet()) {
                    Fingerprints.assertSame(Restores.fingerprint(server, way.getValue(), ownersAndPrivileges), expected,
                            "PostgreSQL " + version + " restored by " + way.getKey());
                }
                assertThat(expected).containsKeys("large object 424244", "relation app.events_2026", "type app.mood");
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        } finally {
            made.forEach(database -> Subscriptions.dropDatabase(server, database));
        }
    }

    /** The machine's psql against {@code server}, or null where the machine has none. */
    static PgTools localPsql(ThrowawayPostgres server) {
        return PgTools.localBinaries().map(bin -> PgTools.withBinaries(bin, server)).orElse(null);
    }

    /**
     * The objects a fingerprint lists, leaving out what the server makes by itself and names
     * differently across versions: from 18 every NOT NULL is a constraint, the copies of a
     * foreign key for each partition it references are named another way, and from 14 every
     * range type has a multirange type.
     */
    private static Set<String> objects(Map<String, String> fingerprint) {
        Set<String> objects = new TreeSet<>();
        fingerprint.forEach((key, value) -> {
            String[] fields = value.split(" \\| ");
            boolean notNull = key.startsWith("constraint ") && fields[0].equals("n");
            boolean partitionCopy = key.startsWith("constraint ") && fields[0].equals("f")
                    && !fields[fields.length - 2].equals("null");
            boolean multirange = key.startsWith("type ") && fields[0].equals("m");
            if (!notNull && !partitionCopy && !multirange) {
                objects.add(key.replace("\"", ""));
            }
        });
        return objects;
    }

    /**
     * Keys without quotes: each server quotes names by its own keyword list (system_user is
     * quoted by 16 and newer only), so the same table is "system_user" on one, system_user on another.
     */
    private static Map<String, String> unquoted(Map<String, String> fingerprint) {
        Map<String, String> keys = new java.util.TreeMap<>();
        fingerprint.forEach((key, value) -> keys.put(key.replace("\"", ""), value));
        return keys;
    }

    private static String name(String role) {
        return "matrix_" + role + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    }
}
