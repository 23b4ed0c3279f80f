package dev.pgvault.dump;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.Manifest;
import dev.pgvault.errors.PgvaultException;
import dev.pgvault.testing.DataFingerprint;
import dev.pgvault.testing.PgTools;
import dev.pgvault.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Table data read by several connections in one exported snapshot, against a real PostgreSQL. */
class ParallelDumpTest {
    private static final long SMALL_CHUNKS = 64 << 10;

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path dir;

    @BeforeEach
    void load() {
        db.execute("""
                CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, note text);
                INSERT INTO accounts SELECT g, 'a' || g || '@example.com', repeat(md5(g::text), 3) FROM generate_series(1, 20000) g;
                -- rows in TOAST: sized by pg_relation_size of the table and its TOAST table
                CREATE TABLE documents (id int PRIMARY KEY, account bigint REFERENCES accounts, body text);
                ALTER TABLE documents ALTER COLUMN body SET STORAGE EXTERNAL;
                INSERT INTO documents SELECT g, g, repeat(md5(g::text), 200) FROM generate_series(1, 300) g;
                DELETE FROM accounts WHERE id % 7 = 0 AND id NOT IN (SELECT account FROM documents);
                CREATE TABLE empty_one (id int);
                CREATE TABLE "Odd \"\"Name\"\"\" (k text);
                INSERT INTO "Odd \"\"Name\"\"\" VALUES ('x'), ('y'), (NULL);
                """);
    }

    private record Dumped(byte[] script, DumpResult result) {}

    private Dumped dump(DumpOptions options, WorkerConnections workers) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection c = db.connect()) {
            DumpResult result = new Dumper(options).dump(c, out, DumpProgress.NONE, workers);
            return new Dumped(out.toByteArray(), result);
        }
    }

    @Test
    void parallelOutputIsTheSerialScriptAndRestoresWithPsql() throws Exception {
        Dumped serial = dump(DumpOptions.defaults(), null);
        Dumped parallel = dump(DumpOptions.defaults().withJobs(3).withChunkBytes(SMALL_CHUNKS), db::connect);

        // The same tables, rows and content hashes, and the same script but for the header's snapshot time.
        assertThat(parallel.result().tables()).isEqualTo(serial.result().tables());
        assertThat(withoutSnapshotLine(parallel.script())).isEqualTo(withoutSnapshotLine(serial.script()));

        Path file = dir.resolve("parallel.sql");
        Files.write(file, parallel.script());
        String target = db.newDatabase();
        PgTools.Result restored = PgTools.forServer(db.server()).psqlFile(target, file);
        assertThat(restored.exitCode()).as(restored.stderr()).isZero();
        try (Connection source = db.connect(); Connection copy = db.server().connect(target)) {
            assertThat(DataFingerprint.of(copy)).isEqualTo(DataFingerprint.of(source));
        }
    }

    @Test
    void aTableSplitInPageRangesHashesAsAWholeOne() throws Exception {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            TableData accounts = new TableData(oid(c, "public.accounts"), "public", "accounts", "public.accounts",
                    List.of("id", "email", "note"));
            TableData documents = new TableData(oid(c, "public.documents"), "public", "documents",
                    "public.documents", List.of("id", "account", "body"));
            List<CopyChunk> chunks = ChunkPlanner.plan(c, List.of(accounts, documents), 150000, 2, SMALL_CHUNKS);
            // accounts (about 2 MB) in many ranges; documents' rows are in TOAST, which counts toward its size
            assertThat(chunks.stream().filter(k -> k.table() == accounts).count()).isGreaterThan(10);
            assertThat(chunks.stream().filter(k -> k.table() == documents).count()).isGreaterThan(1);
            assertThat(chunks.stream().filter(k -> k.table() == documents).toList().getFirst().parts())
                    .isGreaterThan(1);

            for (TableData table : List.of(accounts, documents)) {
                dev.pgvault.archive.ContentHash whole = TableCopier.copy(c, table.copyOutSql(), null,
                        TableCopier.RowListener.NONE);
                dev.pgvault.archive.ContentHash summed = new dev.pgvault.archive.ContentHash();
                for (CopyChunk chunk : chunks.stream().filter(k -> k.table() == table).toList()) {
                    summed.add(TableCopier.copy(c, chunk.copyOutSql(), null, TableCopier.RowListener.NONE));
                }
                assertThat(summed.rows()).isEqualTo(whole.rows()).isPositive();
                assertThat(summed.hex()).isEqualTo(whole.hex());
            }
            c.rollback();
        }
    }

    @Test
    void beforePostgres14TablesAreNotSplit() throws Exception {
        try (Connection c = db.connect()) {
            TableData accounts = new TableData(oid(c, "public.accounts"), "public", "accounts", "public.accounts",
                    List.of("id", "email", "note"));
            assertThat(ChunkPlanner.plan(c, List.of(accounts), 130000, 4, SMALL_CHUNKS))
                    .containsExactly(CopyChunk.whole(accounts));
        }
    }

    @Test
    void workersSeeTheDumpsSnapshotNotLaterWrites() throws Exception {
        AtomicInteger opened = new AtomicInteger();
        Dumped parallel = dump(DumpOptions.defaults().withJobs(2).withChunkBytes(SMALL_CHUNKS), () -> {
            if (opened.incrementAndGet() == 1) {
                // committed after the dump's snapshot was exported, before any worker imports it
                db.execute("INSERT INTO accounts SELECT g, 'late' || g, NULL FROM generate_series(900001, 900500) g;"
                        + " DELETE FROM documents WHERE id <= 10");
            }
            return db.connect();
        });
        Manifest.Table accounts = table(parallel.result(), "accounts");
        Manifest.Table documents = table(parallel.result(), "documents");
        assertThat(accounts.rows()).isEqualTo(db.queryLong(db.name(), "SELECT count(*) FROM accounts") - 500);
        assertThat(documents.rows()).isEqualTo(300);
        assertThat(new String(parallel.script(), StandardCharsets.UTF_8)).doesNotContain("late900001");
    }

    @Test
    void aFailingWorkerStopsTheWholeDump() throws Exception {
        // Workers may read accounts but not documents: whichever worker reaches documents fails.
        db.execute("CREATE ROLE limited_reader; GRANT USAGE ON SCHEMA public TO limited_reader;"
                + " GRANT SELECT ON accounts, empty_one, \"Odd \"\"Name\"\"\" TO limited_reader");
        WorkerConnections cannotReadDocuments = () -> {
            Connection c = db.connect();
            try (Statement st = c.createStatement()) {
                st.execute("SET ROLE limited_reader");
            }
            return c;
        };
        assertThatThrownBy(() -> dump(DumpOptions.defaults().withJobs(2).withChunkBytes(SMALL_CHUNKS),
                cannotReadDocuments))
                .isInstanceOf(PgvaultException.class)
                .hasMessageContaining("permission denied")
                .hasMessageContaining("documents");
        // every worker's connection is gone with it (the server notices a closed socket within moments)
        long others = -1;
        for (int i = 0; i < 50 && others != 0; i++) {
            if (i > 0) {
                Thread.sleep(100);
            }
            others = db.queryLong(db.name(), "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND pid <> pg_backend_pid() AND backend_type = 'client backend'");
        }
        assertThat(others).isZero();
    }

    private static Manifest.Table table(DumpResult result, String name) {
        return result.tables().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static long oid(Connection c, String name) throws Exception {
        try (Statement st = c.createStatement();
                var rs = st.executeQuery("SELECT '" + name + "'::regclass::oid")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String withoutSnapshotLine(byte[] script) {
        return new String(script, StandardCharsets.UTF_8).replaceFirst("-- server PostgreSQL [^\n]*\n", "");
    }
}
