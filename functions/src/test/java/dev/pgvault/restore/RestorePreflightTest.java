package dev.pgvault.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.archive.ManifestCodec;
import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.RestoreFailedException;
import dev.pgvault.errors.RestoreRefusedException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.sandbox.ThrowawayPostgres;
import dev.pgvault.testing.TestDatabase;
import dev.pgvault.testing.TestSigning;
import dev.pgvault.verify.VerificationStatus;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore that cannot fit in one transaction is refused before its first statement, with the
 * numbers and the remedies; on a server whose lock table is small, the refusal is right (the
 * restore would have failed) and the non-atomic path restores the same backup.
 */
class RestorePreflightTest {
    /** max_locks_per_transaction's minimum, and few connections: a lock table of 10 × (20 + 22) = 420 objects. */
    private static ThrowawayPostgres small;

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T02:00:00Z"), ZoneOffset.UTC);
    private final List<String> notes = new ArrayList<>();
    private final ScriptApplier.Progress progress = new ScriptApplier.Progress() {
        @Override
        public void note(String message) {
            notes.add(message);
        }
    };

    @BeforeAll
    static void startASmallServer() {
        small = ThrowawayPostgres.start(Map.of("max_locks_per_transaction", "10", "max_connections", "20"));
    }

    @AfterAll
    static void stopIt() {
        small.close();
    }

    @Test
    void aManifestDescribingMoreTablesThanTheLockTableHoldsIsRefusedBeforeAnyStatement() throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'x')");
        String key = backUp();
        long capacity;
        try (Connection c = db.connect()) {
            capacity = Preflight.server(c).lockCapacity();
        }
        // A manifest written before pgvault recorded relations (signed by the trusted key), listing
        // enough tables that the estimate of 4 locks each overflows the lock table.
        int tables = (int) (capacity / 4) + 100;
        growManifest(key, tables, null);
        String target = db.newDatabase();
        db.execute(target, "CREATE TABLE public.keep_me (id int); INSERT INTO keep_me VALUES (1)");
        AtomicInteger opened = new AtomicInteger();

        assertThatThrownBy(() -> {
            try (Connection c = db.server().connect(target)) {
                new RestoreService(countingOpens(opened), clock, TestSigning.trust()).restore(key, c, target,
                        new RestoreOptions(false, true, true), Decryptors.none(), progress);
            }
        })
                .isInstanceOf(RestoreRefusedException.class)
                .hasMessageContaining("the restore cannot fit in one transaction on this server")
                .hasMessageContaining(Preflight.number(tables + 1) + " tables in the backup × 4")
                .hasMessageContaining("the --clean drops")
                .hasMessageContaining("room for about " + Preflight.number(capacity))
                .hasMessageContaining("max_locks_per_transaction 64 × (max_connections 100 + ")
                .hasMessageContaining("Nothing was changed")
                .hasMessageContaining("raise max_locks_per_transaction to ")
                .hasMessageContaining("--into-new-database");

        assertThat(opened).as("the backup was not even opened").hasValue(0);
        assertThat(db.queryLong(target, "SELECT count(*) FROM keep_me")).isEqualTo(1);
    }

    @Test
    void theRelationsTheManifestRecordsAreWhatThePreflightCounts() throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'x')");
        String key = backUp();
        long capacity;
        try (Connection c = db.connect()) {
            capacity = Preflight.server(c).lockCapacity();
        }
        growManifest(key, 0, capacity + 500); // one table, but indexes and partitions beyond the lock table
        String target = db.newDatabase();
        assertThatThrownBy(() -> {
            try (Connection c = db.server().connect(target)) {
                new RestoreService(new DirectoryStore(repo), clock, TestSigning.trust()).restore(key, c, target,
                        RestoreOptions.defaults(), Decryptors.none(), progress);
            }
        })
                .isInstanceOf(RestoreRefusedException.class)
                .hasMessageContaining(Preflight.number(capacity + 500) + " relations the backup creates")
                .hasMessageContaining("Nothing was changed");
    }

    @Test
    void aRestoreThatFitsSaysWhatItReadAndWhatItCannotKnow() throws Exception {
        db.execute("CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'x')");
        String key = backUp();
        String target = db.newDatabase();
        try (Connection c = db.server().connect(target)) {
            new RestoreService(new DirectoryStore(repo), clock, TestSigning.trust()).restore(key, c, target,
                    RestoreOptions.defaults(), Decryptors.none(), progress);
        }
        // t, its primary key's index, its TOAST table and the TOAST table's index.
        assertThat(notes).anySatisfy(n -> assertThat(n).startsWith("preflight: the restore holds about 4 locks")
                .contains("4 relations the backup creates").contains("max_locks_per_transaction 64")
                .contains("connections in use"));
        assertThat(notes).anySatisfy(n -> assertThat(n).contains("uncompressed")
                .contains("free disk cannot be read over SQL"));
    }

    /**
     * On a server with the smallest lock table, a 200-table database (about 5 locks a table) cannot
     * be restored in one transaction: the preflight says so at once; without it the restore fails
     * with "out of shared memory" after creating tables; into a new database it goes through.
     */
    @Test
    void onASmallLockTableTheRefusalIsRightAndTheNewDatabasePathRestoresIt() throws Exception {
        StringBuilder schema = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            schema.append("CREATE TABLE t").append(i).append(" (id serial PRIMARY KEY, v text);")
                    .append("INSERT INTO t").append(i).append(" (v) VALUES ('row of ").append(i).append("');");
        }
        db.execute(schema.toString());
        String key = backUp();
        String target = "preflight_small";
        small.createDatabase(target);
        RestoreService service = new RestoreService(new DirectoryStore(repo), clock, TestSigning.trust());

        assertThatThrownBy(() -> {
            try (Connection c = small.connect(target)) {
                service.restore(key, c, target, RestoreOptions.defaults(), Decryptors.none(), progress);
            }
        })
                .isInstanceOf(RestoreRefusedException.class)
                .hasMessageContaining("about 1,000 locks") // each table, its key's index, its sequence, TOAST table and index
                .hasMessageContaining("max_locks_per_transaction 10 × (max_connections 20 + ");

        assertThatThrownBy(() -> {
            try (Connection c = small.connect(target)) {
                service.restore(key, c, target, RestoreOptions.defaults().withPreflight(false), Decryptors.none(),
                        progress);
            }
        })
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("out of shared memory")
                .hasMessageContaining("max_locks_per_transaction")
                .hasMessageContaining("rolled back");
        try (Connection c = small.connect(target); Statement st = c.createStatement()) {
            var rs = st.executeQuery("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace");
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }

        NewDatabaseRestore.Report report = service.restoreIntoNewDatabase(key, small::connect, target,
                NewDatabaseRestore.Options.into("preflight_small_new"), Decryptors.none(), progress);

        assertThat(report.restore().verification().status()).isEqualTo(VerificationStatus.OK);
        assertThat(report.restore().tables()).isEqualTo(200);
        assertThat(report.database()).isEqualTo("preflight_small_new");
        assertThat(notes).anySatisfy(n -> assertThat(n).contains("in transactions of at most"));
        try (Connection c = small.connect("preflight_small_new"); Statement st = c.createStatement()) {
            var rs = st.executeQuery("SELECT count(*) FROM t199");
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
        small.dropDatabase("preflight_small_new");
        small.dropDatabase(target);
    }

    private String backUp() {
        return new BackupService(new DirectoryStore(repo), db::connect, BackupMetrics.NONE, clock,
                DumpOptions.defaults(), TestSigning.key())
                .run(BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 6), DumpProgress.NONE).key();
    }

    /**
     * Adds {@code extra} made-up tables to the backup's manifest, sets its relation count (null: removes
     * it, as in a manifest from before pgvault recorded it) and signs it again with the trusted key.
     */
    private void growManifest(String key, int extra, Long relations) throws Exception {
        Path manifestFile = repo.resolve(key + ".manifest.json");
        ObjectNode manifest = (ObjectNode) ManifestCodec.mapper().readTree(Files.readAllBytes(manifestFile));
        if (relations == null) {
            manifest.remove("relations");
        } else {
            manifest.put("relations", relations);
        }
        ArrayNode tables = (ArrayNode) manifest.get("tables");
        for (int i = 0; i < extra; i++) {
            tables.addObject().put("schema", "public").put("name", "partition_" + i).put("rows", 0)
                    .put("contentHash", "0".repeat(64));
        }
        byte[] bytes = ManifestCodec.mapper().writeValueAsBytes(manifest);
        Files.write(manifestFile, bytes);
        Files.write(repo.resolve(key + ".manifest.json.sig"), TestSigning.key().sign(bytes));
    }

    /** The repository, counting how often a backup object is opened for reading. */
    private BackupStore countingOpens(AtomicInteger opened) {
        BackupStore store = new DirectoryStore(repo);
        return (BackupStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BackupStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("open") && !String.valueOf(args[0]).endsWith(".json")
                            && !String.valueOf(args[0]).endsWith(".sig")) {
                        opened.incrementAndGet();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
