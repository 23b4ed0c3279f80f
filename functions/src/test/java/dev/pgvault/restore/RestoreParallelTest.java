package dev.pgvault.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.dump.Dumper;
import dev.pgvault.errors.RestoreFailedException;
import dev.pgvault.testing.CatalogFingerprint;
import dev.pgvault.testing.DataFingerprint;
import dev.pgvault.testing.Fingerprints;
import dev.pgvault.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The parallel restore into a new database on a real PostgreSQL: table data cut into chunks over
 * several connections, index builds and constraints side by side after it, in the script's
 * dependency order; a failure anywhere stops it and names the script line.
 */
class RestoreParallelTest {
    private static final int SMALL_CHUNK = 16 << 10;

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @Test
    void tablesCutIntoChunksAndRowsLongerThanAChunkRestoreAsTheSource() throws Exception {
        db.execute("CREATE TABLE public.parent (id int PRIMARY KEY, note text);"
                + " CREATE TABLE public.child (id bigint PRIMARY KEY, parent int REFERENCES public.parent, body text,"
                + "   blob bytea);"
                + " CREATE INDEX child_parent ON public.child (parent);"
                + " CREATE UNIQUE INDEX child_body ON public.child (md5(body));"
                + " INSERT INTO public.parent SELECT g, 'p' || g FROM generate_series(1, 500) g;"
                + " INSERT INTO public.child SELECT g, 1 + g % 500, repeat('x', g % 50) || g, NULL"
                + "   FROM generate_series(1, 20000) g;"
                // two rows each longer than a chunk: streamed through the reader's own connection
                + " INSERT INTO public.child VALUES (20001, 1, 'big', decode(repeat('ab', 100000), 'hex')),"
                + "   (20002, 2, 'big2', decode(repeat('cd', 70000), 'hex'));"
                + " CREATE SEQUENCE public.s; SELECT setval('public.s', 77);"
                + " CREATE MATERIALIZED VIEW public.counts AS SELECT parent, count(*) FROM public.child GROUP BY parent");
        String target = db.newDatabase();
        List<String> told = new ArrayList<>();

        ScriptApplier.Outcome outcome = ParallelApply.apply(new ByteArrayInputStream(dump()),
                () -> db.server().connect(target), ScriptApplier.Origin.PGVAULT_BACKUP, 3, SMALL_CHUNK, 50,
                new ScriptApplier.Progress() {
                    @Override
                    public void tableLoaded(String table, long rows) {
                        told.add(table + " " + rows);
                    }
                });

        assertThat(outcome.rows()).isEqualTo(500 + 20002);
        assertThat(told).containsExactlyInAnyOrder("\"public\".\"parent\" (\"id\", \"note\") 500",
                "\"public\".\"child\" (\"id\", \"parent\", \"body\", \"blob\") 20002");
        try (Connection source = db.connect(); Connection restored = db.server().connect(target)) {
            Fingerprints.assertSame(CatalogFingerprint.of(restored), CatalogFingerprint.of(source), "catalog");
            Fingerprints.assertSame(DataFingerprint.of(restored), DataFingerprint.of(source), "data");
        }
        assertThat(db.queryLong(target, "SELECT last_value FROM public.s")).isEqualTo(77);
        assertThat(db.queryLong(target, "SELECT sum(count) FROM public.counts")).isEqualTo(20002);
    }

    @Test
    void aBadRowInALaterChunkNamesItsScriptLineAndNothingAfterItRuns() {
        StringBuilder script = new StringBuilder("CREATE TABLE public.a (id int);\nCREATE TABLE public.b (id int);\n"
                + "COPY public.a (id) FROM stdin;\n");
        for (int i = 1; i <= 3000; i++) {
            script.append(i).append('\n');
        }
        script.append("\\.\nCOPY public.b (id) FROM stdin;\n"); // line 3005
        for (int i = 1; i <= 2000; i++) {
            script.append(i == 1500 ? "not a number" : String.valueOf(i)).append('\n');
        }
        script.append("\\.\nCREATE TABLE public.after (id int);\n");
        String target = db.newDatabase();

        assertThatThrownBy(() -> ParallelApply.apply(bytes(script), () -> db.server().connect(target),
                ScriptApplier.Origin.SCRIPT, 3, 1024, 50, ScriptApplier.Progress.NONE))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageStartingWith("at line 3005 (COPY")
                .hasMessageContaining("data line 1500 of the COPY (script line 4505)")
                .hasMessageContaining("invalid input syntax for type integer")
                .hasMessageNotContaining("not a number");
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_class WHERE relname = 'after'")).isZero();
    }

    @Test
    void aConstraintThatFailsOnAPoolConnectionStopsTheRestore() {
        String script = "CREATE TABLE public.a (id int);\nCOPY public.a (id) FROM stdin;\n1\n2\n2\n\\.\n"
                + "CREATE INDEX a_id ON public.a USING btree (id);\n"
                + "ALTER TABLE ONLY public.a\n    ADD CONSTRAINT a_pkey PRIMARY KEY (id);\n"
                + "CREATE TABLE public.after (id int);\n";
        String target = db.newDatabase();

        assertThatThrownBy(() -> ParallelApply.apply(bytes(script), () -> db.server().connect(target),
                ScriptApplier.Origin.SCRIPT, 2, 1024, 50, ScriptApplier.Progress.NONE))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageStartingWith("at line 8 (ALTER TABLE")
                .hasMessageContaining("[SQLSTATE 23505]");
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_class WHERE relname = 'after'")).isZero();
    }

    /**
     * A loaded table is read in the background (as its comparison with the manifest is) only once
     * the reader's connection has committed: it then sees every row (one came through the reader's
     * own connection, as longer than a chunk), and the reader, holding a table's lock through
     * later statements, never waits for a read that waits for it.
     */
    @Test
    void backgroundReadsOfLoadedTablesSeeEveryRowAndNeverWaitForTheReader() {
        StringBuilder script = new StringBuilder("CREATE TABLE public.a (id int, note text);\n"
                + "COPY public.a (id, note) FROM stdin;\n");
        for (int i = 1; i <= 999; i++) {
            script.append(i).append("\tnote ").append(i).append('\n');
        }
        script.append("1000\t").append("y".repeat(5000)).append("\n\\.\n")
                .append("ALTER TABLE public.a ENABLE ROW LEVEL SECURITY;\n")
                .append("COMMENT ON TABLE public.a IS 'held by the reader';\n")
                .append("CREATE TABLE public.b (id int);\nCOPY public.b (id) FROM stdin;\n");
        for (int i = 1; i <= 500; i++) {
            script.append(i).append('\n');
        }
        script.append("\\.\nCREATE INDEX a_id ON public.a USING btree (id);\n"
                + "ALTER TABLE ONLY public.b\n    ADD CONSTRAINT b_pkey PRIMARY KEY (id);\n");
        String target = db.newDatabase();
        java.util.Map<String, Long> seen = new java.util.concurrent.ConcurrentHashMap<>();

        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60), () ->
                ParallelApply.apply(bytes(script), () -> db.server().connect(target), ScriptApplier.Origin.SCRIPT, 2,
                        1024, 1000, ScriptApplier.Progress.NONE, table -> connection -> {
                            try (Statement st = connection.createStatement();
                                    ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                                rs.next();
                                seen.put(table, rs.getLong(1));
                            }
                            return 0;
                        }));

        assertThat(seen).allSatisfy((table, rows) -> assertThat(rows).as(table)
                .isEqualTo(table.contains("\"a\"") ? 1000 : 500));
        assertThat(db.queryLong(target, "SELECT count(*) FROM public.a")).isEqualTo(1000);
    }

    /**
     * Post-data work starts in script order, but a piece that shares no table with the work still
     * waiting before it need not wait behind it: the index on b starts while a's primary key waits
     * for a's slow check constraint. Objects are numbered as they are made, so the index's number
     * says which started first.
     */
    @Test
    void workOnAnotherTableDoesNotWaitBehindAConstraintThatWaits() throws Exception {
        String script = "CREATE FUNCTION public.slow(integer) RETURNS boolean LANGUAGE sql IMMUTABLE"
                + " AS 'SELECT pg_catalog.pg_sleep(1.5) IS NOT NULL';\n"
                + "CREATE TABLE public.a (id integer NOT NULL);\nCREATE TABLE public.b (id integer);\n"
                + "COPY public.a (id) FROM stdin;\n1\n\\.\nCOPY public.b (id) FROM stdin;\n1\n1\n\\.\n"
                + "ALTER TABLE ONLY public.a\n    ADD CONSTRAINT a_slow CHECK (public.slow(id));\n"
                + "ALTER TABLE ONLY public.a\n    ADD CONSTRAINT a_pkey PRIMARY KEY (id);\n"
                + "CREATE INDEX b_id ON public.b USING btree (id);\n"
                + "ALTER TABLE ONLY public.b\n    ADD CONSTRAINT b_a FOREIGN KEY (id) REFERENCES public.a(id);\n";
        String target = db.newDatabase();

        ParallelApply.apply(bytes(script), () -> db.server().connect(target), ScriptApplier.Origin.SCRIPT, 2, 1024,
                50, ScriptApplier.Progress.NONE);

        assertThat(db.queryLong(target, "SELECT 'public.b_id'::regclass::oid::bigint"))
                .as("the index on b started before a's primary key")
                .isLessThan(db.queryLong(target, "SELECT 'public.a_pkey'::regclass::oid::bigint"));
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_constraint WHERE conname IN ('a_slow', 'a_pkey',"
                + " 'b_a')")).isEqualTo(3);
    }

    /** standard_conforming_strings off changes what a string in an index expression means: the pool's connections must share it. */
    @Test
    void thePoolsConnectionsRunWithTheScriptsSessionSettings() throws Exception {
        String script = "SET standard_conforming_strings = off;\nSELECT pg_catalog.set_config('search_path', '', false);\n"
                + "CREATE TABLE public.t (v text);\nCOPY public.t (v) FROM stdin;\na\n\\.\n"
                + "CREATE INDEX t_expr ON public.t USING btree (((v || 'x\\\\y')));\n";
        String oneConnection = db.newDatabase();
        try (Connection c = db.server().connect(oneConnection)) {
            c.setAutoCommit(false);
            ScriptApplier.apply(bytes(script), c, ScriptApplier.Progress.NONE);
            c.commit();
        }
        String parallel = db.newDatabase();

        ParallelApply.apply(bytes(script), () -> db.server().connect(parallel), ScriptApplier.Origin.SCRIPT, 2, 1024,
                50, ScriptApplier.Progress.NONE);

        String expected = indexDefinition(oneConnection);
        assertThat(expected).contains("x\\y").doesNotContain("x\\\\y");
        assertThat(indexDefinition(parallel)).isEqualTo(expected);
    }

    private byte[] dump() throws Exception {
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        try (Connection source = db.connect()) {
            new Dumper(DumpOptions.defaults()).dump(source, script, DumpProgress.NONE);
        }
        return script.toByteArray();
    }

    private static ByteArrayInputStream bytes(CharSequence script) {
        return new ByteArrayInputStream(script.toString().getBytes(StandardCharsets.UTF_8));
    }

    private String indexDefinition(String database) throws Exception {
        try (Connection c = db.server().connect(database); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_get_indexdef('public.t_expr'::regclass)")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
