package dev.pgvault.restore;

import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.dump.Dumper;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.sandbox.ThrowawayPostgres;
import dev.pgvault.testing.FidelityFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.postgresql.core.BaseConnection;

/**
 * What the restore's per-statement checks cost: the statement policy, the driver-split check and
 * the open-transaction check, each timed alone over every statement of a pgvault dump of the
 * fidelity fixture (every object kind) with owners and privileges, next to the time a whole
 * restore of that dump takes. Not a test: a main class printing figures.
 *
 * <pre>
 * ./mvnw -q -pl functions test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench.classpath
 * java -cp functions/target/test-classes:functions/target/classes:$(cat functions/target/bench.classpath) \
 *      dev.pgvault.restore.RestoreChecksBenchmark [rounds, default 5]
 * </pre>
 */
public final class RestoreChecksBenchmark {
    private static final Pattern COPY = Pattern.compile("(?is)^COPY\\s+.+?\\s+FROM\\s+stdin\\b.*");

    private RestoreChecksBenchmark() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        try (ThrowawayPostgres server = ThrowawayPostgres.start()) {
            String source = server.createDatabase("bench_source");
            byte[] script;
            try (Connection c = server.connect(source)) {
                FidelityFixture.load(c);
                FidelityFixture.loadPrivileges(c);
                SampleDatabase.load(c, 2000);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                new Dumper(DumpOptions.defaults().withOwnersAndPrivileges(true)).dump(c, out, DumpProgress.NONE);
                script = out.toByteArray();
            }
            List<String> statements = statements(script);
            System.out.printf(Locale.ROOT, "script: %,d bytes, %,d statements (COPY included)%n", script.length,
                    statements.size());

            long bestPolicy = Long.MAX_VALUE;
            long bestSplit = Long.MAX_VALUE;
            long bestState = Long.MAX_VALUE;
            long bestRestore = Long.MAX_VALUE;
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                StatementPolicy policy = new StatementPolicy(true);
                policy.start("pgvault", 1);
                for (String sql : statements) {
                    policy.check(sql, 1, true);
                }
                bestPolicy = Math.min(bestPolicy, System.nanoTime() - start);

                String target = server.createDatabase("bench_target_" + round);
                try (Connection c = server.connect(target)) {
                    c.setAutoCommit(false);
                    BaseConnection base = c.unwrap(BaseConnection.class);
                    start = System.nanoTime();
                    for (String sql : statements) {
                        if (base.createQuery(sql, false, false).query.getSubqueries() != null) {
                            throw new IllegalStateException("split: " + sql);
                        }
                    }
                    bestSplit = Math.min(bestSplit, System.nanoTime() - start);
                    c.createStatement().execute("SELECT 1");
                    start = System.nanoTime();
                    int open = 0;
                    for (int i = 0; i < 1_000_000; i++) {
                        open += base.getTransactionState() == org.postgresql.core.TransactionState.OPEN ? 1 : 0;
                    }
                    bestState = Math.min(bestState, (System.nanoTime() - start) * statements.size() / 1_000_000);
                    if (open != 1_000_000) {
                        throw new IllegalStateException("not open");
                    }
                    c.rollback();
                    start = System.nanoTime();
                    ScriptApplier.apply(new ByteArrayInputStream(script), c, ScriptApplier.Progress.NONE,
                            ScriptApplier.Origin.PGVAULT_BACKUP, false);
                    c.commit();
                    bestRestore = Math.min(bestRestore, System.nanoTime() - start);
                }
                server.dropDatabase(target);
            }
            int n = statements.size();
            System.out.printf(Locale.ROOT, "whole restore (checks included): %.1f ms, %.1f µs per statement%n",
                    bestRestore / 1e6, bestRestore / 1e3 / n);
            System.out.printf(Locale.ROOT, "statement policy:       %.2f ms total, %.2f µs per statement (%.2f%% of the restore)%n",
                    bestPolicy / 1e6, bestPolicy / 1e3 / n, 100.0 * bestPolicy / bestRestore);
            System.out.printf(Locale.ROOT, "driver split check:     %.2f ms total, %.2f µs per statement (%.2f%%;"
                    + " the driver parses each statement once anyway, now through this)%n",
                    bestSplit / 1e6, bestSplit / 1e3 / n, 100.0 * bestSplit / bestRestore);
            System.out.printf(Locale.ROOT, "open-transaction check: %.3f ms total, %.1f ns per statement (%.3f%%)%n",
                    bestState / 1e6, (double) bestState / n, 100.0 * bestState / bestRestore);
            server.dropDatabase(source);
        }
    }

    private static List<String> statements(byte[] script) throws Exception {
        ScriptReader reader = new ScriptReader(new ByteArrayInputStream(script));
        List<String> statements = new ArrayList<>();
        ScriptReader.Element element;
        while ((element = reader.next()) != null) {
            if (element.metaCommand()) {
                continue;
            }
            statements.add(element.text());
            if (COPY.matcher(element.text()).matches()) {
                reader.copyData(OutputStream.nullOutputStream());
            }
        }
        return statements;
    }
}
