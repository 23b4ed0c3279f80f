package dev.pgvault.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.testing.PgTools;
import dev.pgvault.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data far larger than the heap passes through dump and restore: each runs in a JVM of its
 * own with a small {@code -Xmx} (a JVM cannot go past it, so finishing is the proof) and
 * reports its heap use. The driver holds one COPY row at a time, so a single value needs
 * about its own size; a table needs no more than its largest row.
 *
 * <p>By default about 90 MB of script (80 MB of rows and one 8 MB value) in 48 MB of heap.
 * {@code -Dpgvault.bigdata=true} adds the full check: a table over 2 GB and a single value
 * over 100 MB in 256 MB of heap (several minutes).
 */
class DumpStreamingTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path dir;

    @Test
    void aScriptLargerThanTheHeapIsDumpedAndRestoredWithConstantMemory() throws Exception {
        db.execute("CREATE TABLE wide (id integer PRIMARY KEY, payload text);"
                + " INSERT INTO wide SELECT g, repeat(md5(g::text), 16) FROM generate_series(1, 160000) g;"
                + " CREATE TABLE one_value (v text); INSERT INTO one_value VALUES (repeat('v', 8 * 1024 * 1024))");
        roundTrip("48m", 80L << 20);
    }

    @Test
    @EnabledIfSystemProperty(named = "pgvault.bigdata", matches = "true")
    void aTableOverTwoGigabytesAndAValueOverOneHundredMegabytesWithConstantMemory() throws Exception {
        db.execute("CREATE TABLE huge (id integer, payload text);"
                + " INSERT INTO huge SELECT g, repeat(md5(g::text), 64) FROM generate_series(1, 1100000) g;"
                + " CREATE TABLE huge_value (id integer, v text, b bytea);"
                + " INSERT INTO huge_value VALUES (1, repeat('0123456789', 11 * 1024 * 1024), NULL),"
                + " (2, NULL, decode(repeat('ab', 4 * 1024 * 1024), 'hex'))");
        assertThat(db.queryLong(db.name(), "SELECT sum(octet_length(t::text)) FROM huge t")).isGreaterThan(2L << 30);
        assertThat(db.queryLong(db.name(), "SELECT octet_length(v) FROM huge_value WHERE id = 1")).isGreaterThan(100L << 20);
        roundTrip("256m", 2200L << 20);
    }

    private void roundTrip(String heap, long minimumScriptBytes) throws Exception {
        Path script = dir.resolve("dump.sql");
        Map<String, Long> dump = fork(heap, "dump", db.jdbcUrl(), script.toString());
        long scriptBytes = Files.size(script);
        assertThat(scriptBytes).isGreaterThan(minimumScriptBytes);

        String target = db.newDatabase();
        Map<String, Long> restore = fork(heap, "restore", db.server().jdbcUrl(target), script.toString());

        assertThat(checksums(target)).isEqualTo(checksums(db.name()));
        long maxHeap = dump.get("max-heap-bytes");
        // Printed for the report (target/surefire-reports/*-output.txt).
        System.out.printf("streaming: script %.1f MB, -Xmx%s (max %.1f MB); dump heap peak %.1f MB, live after GC"
                        + " %.1f MB; restore heap peak %.1f MB, live after GC %.1f MB%n",
                mb(scriptBytes), heap, mb(maxHeap), mb(dump.get("peak-heap-bytes")),
                mb(dump.get("peak-live-heap-bytes")), mb(restore.get("peak-heap-bytes")),
                mb(restore.get("peak-live-heap-bytes")));
        assertThat(scriptBytes).as("the script must not fit in the heap").isGreaterThan(maxHeap);
    }

    /** Runs {@code ForkedDump} in a JVM with the given heap; its figures by name. */
    private static Map<String, Long> fork(String heap, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), "dev.pgvault.testing.ForkedDump"));
        command.addAll(List.of(arguments));
        PgTools.Result result = PgTools.run(command);
        assertThat(result.exitCode()).as("%s in -Xmx%s failed: %s", arguments[0], heap, result.stderr()).isZero();
        Map<String, Long> figures = new TreeMap<>();
        result.stdout().lines().filter(line -> line.contains("-bytes=")).forEach(line -> {
            String[] parts = line.split("=", 2);
            figures.put(parts[0], Long.parseLong(parts[1].strip()));
        });
        return figures;
    }

    /** Row count and an order-independent sum of row hashes per table, computed by the server alone. */
    private Map<String, String> checksums(String database) throws Exception {
        Map<String, String> sums = new TreeMap<>();
        try (Connection c = db.server().connect(database); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT oid::regclass::text FROM pg_class WHERE relkind = 'r'"
                    + " AND relnamespace = 'public'::regnamespace")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*), sum(('x' || substr(md5(t::text), 1, 15))::bit(60)"
                        + "::bigint) FROM " + table + " t")) {
                    rs.next();
                    sums.put(table, rs.getLong(1) + " rows, " + rs.getString(2));
                }
            }
        }
        return sums;
    }

    private static double mb(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
