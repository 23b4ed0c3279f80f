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
                assertThat(DataFingerprint.of(restored)).isEqualTo(DataFingerprint.of(source));
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
                assertThat(DataFingerprint.of(to)).isEqualTo(DataFingerprint.of(from));
                assertThat(objects(CatalogFingerprint.of(to))).containsExactlyElementsOf(objects(CatalogFingerprint.of(from)));
            }
        } finally {
            older.dropDatabase(source);
            newest.dropDatabase(target);
        }
    }

    private void roundTrip(int version, boolean ownersAndPrivileges) throws Exception {
        ThrowawayPostgres server = PostgresVersions.server(version);
        String source = server.createDatabase(name("source"));
        java.util.List<String> made = new java.util.ArrayList<>(java.util.List.of(source));
        try {
            try (Connection c = server.connect(source)) {
                FidelityFixture.load(c);
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
                Map<String, String> restored = Restores.threeWays(server, localPsql(server), file, () -> {
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
            made.forEach(server::dropDatabase);
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
                objects.add(key);
            }
        });
        return objects;
    }

    private static String name(String role) {
        return "matrix_" + role + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    }
}
