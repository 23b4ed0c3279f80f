package dev.pgvault.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.restore.ParallelApply;
import dev.pgvault.restore.ScriptApplier;
import dev.pgvault.sandbox.ThrowawayPostgres;
import dev.pgvault.testing.CatalogFingerprint;
import dev.pgvault.testing.Fingerprints;
import dev.pgvault.testing.PgTools;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every script pgvault writes must restore every way: plain {@code psql} (no
 * {@code --single-transaction}: every statement its own transaction, as the runbook's
 * {@code psql $DATABASE_URL < backup.sql}), {@code psql --single-transaction}, and pgvault's own
 * restore, on one connection and in parallel (as into a new database, with chunks small enough to
 * split every table and to send most rows through the reader's own connection as too long). This
 * dumps a database, restores it every way into new databases and compares each with the source by
 * the catalog fingerprint.
 */
final class Restores {
    private Restores() {}

    /** A dump of {@code database} written to {@code file}. */
    static DumpResult dump(ThrowawayPostgres server, String database, DumpOptions options, Path file) throws Exception {
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        DumpResult result;
        try (Connection source = server.connect(database)) {
            result = new Dumper(options).dump(source, script, DumpProgress.NONE);
        }
        Files.write(file, script.toByteArray());
        return result;
    }

    /**
     * Restores {@code file} three ways and pgvault's in parallel (psql from {@code tools}; without
     * tools, pgvault's restores only) into databases made by {@code newDatabase}; returns them by
     * way ("psql", "psql -1", "pgvault", "pgvault --jobs 3"), each checked to restore without a message.
     */
    static Map<String, String> everyWay(ThrowawayPostgres server, PgTools tools, Path file,
                                        Supplier<String> newDatabase) throws Exception {
        return everyWay(server, tools, file, 256, newDatabase);
    }

    /** {@link #everyWay(ThrowawayPostgres, PgTools, Path, Supplier)} with the parallel restore's chunks of {@code chunkBytes}. */
    static Map<String, String> everyWay(ThrowawayPostgres server, PgTools tools, Path file, int chunkBytes,
                                        Supplier<String> newDatabase) throws Exception {
        Map<String, String> restored = new LinkedHashMap<>();
        if (tools != null) {
            String plain = newDatabase.get();
            PgTools.Result result = tools.psqlFilePlain(plain, file);
            assertThat(result.exitCode()).as("plain psql stderr: %s", result.stderr()).isZero();
            assertThat(unexpected(result.stderr())).as("plain psql").isEmpty();
            restored.put("psql", plain);
            String single = newDatabase.get();
            result = tools.psqlFile(single, file);
            assertThat(result.exitCode()).as("psql -1 stderr: %s", result.stderr()).isZero();
            assertThat(unexpected(result.stderr())).as("psql -1").isEmpty();
            restored.put("psql -1", single);
        }
        String ours = newDatabase.get();
        try (Connection target = server.connect(ours); InputStream in = Files.newInputStream(file)) {
            target.setAutoCommit(false);
            ScriptApplier.apply(in, target, ScriptApplier.Progress.NONE);
            target.commit();
        }
        restored.put("pgvault", ours);
        String parallel = newDatabase.get();
        try (InputStream in = Files.newInputStream(file)) {
            // a parallel restore into a new database, in chunks small enough to split every table
            ParallelApply.apply(in, () -> server.connect(parallel), ScriptApplier.Origin.SCRIPT, 3, chunkBytes, 7,
                    ScriptApplier.Progress.NONE);
        }
        restored.put("pgvault --jobs 3", parallel);
        return restored;
    }

    /**
     * What psql said beyond the warnings the server gives on any restore of logical replication
     * (pg_dump's scripts draw the same): a publication made where wal_level is not logical, a
     * subscription made without connecting.
     */
    static String unexpected(String stderr) {
        return stderr.lines()
                .filter(line -> !line.matches(".*WARNING:  \"?wal_level\"? is insufficient to publish logical changes"))
                .filter(line -> !line.matches(".*HINT:  Set \"?wal_level\"? to \"?logical\"? before creating subscriptions\\."))
                .filter(line -> !line.matches(".*WARNING:  tables were not subscribed, you will have to run ALTER SUBSCRIPTION.*"))
                .filter(line -> !line.matches(".*WARNING:  subscription was created, but is not connected"))
                .filter(line -> !line.matches(".*HINT:  To initiate replication, you must manually create the replication slot,.*"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    /** Dumps, restores four ways, and checks each restored database against the source. */
    static Map<String, String> roundTrip(ThrowawayPostgres server, PgTools tools, String database, DumpOptions options,
                                         Path file, Supplier<String> newDatabase) throws Exception {
        dump(server, database, options, file);
        Map<String, String> restored = everyWay(server, tools, file, newDatabase);
        Map<String, String> source = fingerprint(server, database, options.keepOwnersAndPrivileges());
        for (Map.Entry<String, String> way : restored.entrySet()) {
            Fingerprints.assertSame(fingerprint(server, way.getValue(), options.keepOwnersAndPrivileges()), source,
                    "restored by " + way.getKey());
        }
        return restored;
    }

    static Map<String, String> fingerprint(ThrowawayPostgres server, String database, boolean privileges)
            throws Exception {
        try (Connection c = server.connect(database)) {
            return privileges ? CatalogFingerprint.withOwnersAndPrivileges(c) : CatalogFingerprint.of(c);
        }
    }
}
