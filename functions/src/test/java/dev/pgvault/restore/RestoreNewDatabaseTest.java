package dev.pgvault.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.RestoreFailedException;
import dev.pgvault.errors.RestoreRefusedException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.Fixtures;
import dev.pgvault.testing.TestDatabase;
import dev.pgvault.testing.TestSigning;
import dev.pgvault.verify.VerificationStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The non-atomic path on a real PostgreSQL: a restore into a new database, verified, swapped in
 * by rename with the old database's shape (the application's role keeps its rights), and all or
 * nothing at the level of databases: a failure midway or at the swap drops the new database and
 * leaves the old one as it was.
 */
class RestoreNewDatabaseTest {
    private static final String PASSWORD = "newdb-test-pw";

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T02:00:00Z"), ZoneOffset.UTC);
    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final String owner = "pgv_nowner_" + suffix;
    private final String app = "pgv_napp_" + suffix;
    private final String prod = "prod_" + suffix;
    private final List<String> notes = new ArrayList<>();
    private String key;

    @BeforeEach
    void backUpAndMakeProduction() throws Exception {
        db.execute(Fixtures.sql("application-schema.sql"));
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 120);
        }
        key = new BackupService(new DirectoryStore(repo), db::connect, BackupMetrics.NONE, clock,
                DumpOptions.defaults(), TestSigning.key())
                .run(BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 6), DumpProgress.NONE).key();
        // Production as it runs: owned by a migration role that may create databases, used by the
        // application's role, which alone may connect besides the owner, create in public and read
        // the owner's tables; with settings of its own.
        db.execute("postgres", "CREATE ROLE " + owner + " LOGIN CREATEDB PASSWORD '" + PASSWORD + "';"
                + " CREATE ROLE " + app + " LOGIN PASSWORD '" + PASSWORD + "'");
        db.execute("postgres", "CREATE DATABASE " + prod + " OWNER " + owner + " TEMPLATE template0 ENCODING 'UTF8'");
        db.execute("postgres", "REVOKE ALL ON DATABASE " + prod + " FROM PUBLIC;"
                + " GRANT CONNECT, TEMPORARY ON DATABASE " + prod + " TO " + app + ";"
                + " ALTER DATABASE " + prod + " SET statement_timeout TO '45s';"
                + " ALTER DATABASE " + prod + " SET search_path TO \"$user\", public;"
                + " COMMENT ON DATABASE " + prod + " IS 'auth service production'");
        try (Connection c = as(owner, prod); Statement st = c.createStatement()) {
            st.execute("GRANT CREATE ON SCHEMA public TO " + app);
            st.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT ON TABLES TO " + app);
            st.execute("ALTER DEFAULT PRIVILEGES GRANT USAGE ON SEQUENCES TO " + app);
            st.execute("CREATE TABLE public.before_restore (id int); INSERT INTO before_restore VALUES (42)");
        }
    }

    @AfterEach
    void dropEverything() {
        for (String name : databases(prod + "%")) {
            db.server().dropDatabase(name);
        }
        db.execute("postgres", "DROP ROLE IF EXISTS " + app + "; DROP ROLE IF EXISTS " + owner);
    }

    @Test
    void theVerifiedNewDatabaseIsSwappedInWithTheOldOnesShapeAndTheOldOneKept() throws Exception {
        NewDatabaseRestore.Report report = service().restoreIntoNewDatabase(key, this::asOwner, prod,
                NewDatabaseRestore.Options.into(null).withSwap(true, false).withCommitEvery(7).withJobs(1),
                Decryptors.none(), progress());

        assertThat(report.restore().verification().status()).isEqualTo(VerificationStatus.OK);
        assertThat(report.database()).isEqualTo(prod);
        assertThat(report.previous()).isEqualTo(prod + "_pre_restore_20261124_020000");
        assertThat(report.warnings()).isEmpty();
        assertThat(databases(prod + "%")).containsExactlyInAnyOrder(prod, report.previous());
        assertThat(db.queryLong(report.previous(), "SELECT id FROM before_restore")).isEqualTo(42);
        assertThat(db.queryLong(prod, "SELECT count(*) FROM pg_class WHERE relname = 'before_restore'")).isZero();
        // the database's own shape came along
        assertThat(text("postgres", "SELECT datdba::regrole::text || ' ' || datacl::text || ' '"
                + " || shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '" + prod + "'"))
                .isEqualTo(owner + " {" + owner + "=CTc/" + owner + "," + app + "=Tc/" + owner + "} auth service production");
        assertThat(text("postgres", "SELECT string_agg(c, ' ' ORDER BY c) FROM pg_db_role_setting s, unnest(setconfig) c"
                + " WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = '" + prod + "')"))
                .isEqualTo("search_path=\"$user\", public statement_timeout=45s");
        // and the application's role can do what it did before
        try (Connection c = as(app, prod); Statement st = c.createStatement()) {
            assertThat(count(st, "SELECT count(*) FROM users")).isEqualTo(120);
            st.execute("CREATE TABLE public.after_restore (id int)");
            st.execute("INSERT INTO users (email, password_hash) VALUES ('new@example.com', 'x')");
        }
        assertThat(notes).anySatisfy(n -> assertThat(n).startsWith("swapped: " + prod + " is now the restored database"));
    }

    @Test
    void withoutSwapTheNewDatabaseIsLeftBesideTheOldOne() throws Exception {
        NewDatabaseRestore.Report report = service().restoreIntoNewDatabase(key, this::asOwner, prod,
                NewDatabaseRestore.Options.into(null).withJobs(3), Decryptors.none(), progress());

        assertThat(report.restore().verification().status()).isEqualTo(VerificationStatus.OK);
        assertThat(notes).anySatisfy(n -> assertThat(n).contains("the restore needs 4: one reading the backup, 3"
                + " loading data and building indexes side by side"));
        assertThat(report.database()).isEqualTo(prod + "_restore_20261124_020000");
        assertThat(report.previous()).isNull();
        assertThat(db.queryLong(prod, "SELECT id FROM before_restore")).isEqualTo(42);
        assertThat(db.queryLong(report.database(), "SELECT count(*) FROM users")).isEqualTo(120);
    }

    @Test
    void aFailureMidwayDropsTheNewDatabaseAndLeavesTheOldOneAsItWas() throws Exception {
        List<String> loaded = failMidway(1);

        assertThat(loaded).as("tables were committed before the failure").isNotEmpty();
    }

    /** The same on several connections, whose work may or may not have been committed when the damage is read. */
    @Test
    void aFailureMidwayOfAParallelRestoreDropsTheNewDatabaseToo() throws Exception {
        failMidway(3);
    }

    private List<String> failMidway(int jobs) throws Exception {
        Path object = repo.resolve(key);
        byte[] damaged = Files.readAllBytes(object);
        damaged[damaged.length * 3 / 4] ^= 0x01;
        Files.write(object, damaged);
        List<String> loaded = new ArrayList<>();

        assertThatThrownBy(() -> service().restoreIntoNewDatabase(key, this::asOwner, prod,
                NewDatabaseRestore.Options.into(null).withSwap(true, false).withCommitEvery(3).withJobs(jobs),
                Decryptors.none(), new ScriptApplier.Progress() {
                    @Override
                    public void tableLoaded(String table, long rows) {
                        loaded.add(table);
                    }
                }))
                .isInstanceOf(RestoreFailedException.class)
                .hasMessageContaining("restoring into the new database " + prod + "_restore_20261124_020000 failed")
                .hasMessageContaining("SHA-256")
                .hasMessageContaining("the new database " + prod + "_restore_20261124_020000 was dropped, "
                        + prod + " is as it was");

        assertThat(databases(prod + "%")).containsExactly(prod);
        assertThat(db.queryLong(prod, "SELECT id FROM before_restore")).isEqualTo(42);
        return loaded;
    }

    @Test
    void theApplicationStillConnectedIsNamedAndNothingIsCreated() throws Exception {
        try (Connection application = as(app, prod)) {
            application.setClientInfo("ApplicationName", "auth-service");
            assertThatThrownBy(() -> service().restoreIntoNewDatabase(key, this::asOwner, prod,
                    NewDatabaseRestore.Options.into(null).withSwap(true, false), Decryptors.none(), progress()))
                    .isInstanceOf(RestoreRefusedException.class)
                    .hasMessageContaining("the swap renames " + prod + ", which needs it to have no sessions")
                    .hasMessageContaining("1 other session is connected: pid ")
                    .hasMessageContaining("Scale the application down")
                    .hasMessageContaining("--terminate-connections")
                    .hasMessageContaining("nothing was changed");
        }
        assertThat(databases(prod + "%")).containsExactly(prod);
    }

    @Test
    void aSessionThatArrivesDuringTheRestoreFailsTheSwapAndTheNewDatabaseIsDropped() throws Exception {
        List<Connection> arrived = new ArrayList<>();
        try {
            assertThatThrownBy(() -> service().restoreIntoNewDatabase(key, this::asOwner, prod,
                    NewDatabaseRestore.Options.into("prod_" + suffix + "_next").withSwap(true, false),
                    Decryptors.none(), new ScriptApplier.Progress() {
                        @Override
                        public void tableLoaded(String table, long rows) {
                            if (arrived.isEmpty()) {
                                try {
                                    arrived.add(as(app, prod)); // the application, scaled up again too early
                                } catch (SQLException e) {
                                    throw new IllegalStateException(e);
                                }
                            }
                        }
                    }))
                    .isInstanceOf(RestoreFailedException.class)
                    .hasMessageContaining("the swap found sessions on " + prod)
                    .hasMessageContaining("the new database prod_" + suffix + "_next was dropped, " + prod
                            + " is as it was");
        } finally {
            for (Connection c : arrived) {
                c.close();
            }
        }
        assertThat(databases(prod + "%")).containsExactly(prod);
        assertThat(db.queryLong(prod, "SELECT id FROM before_restore")).isEqualTo(42);
    }

    @Test
    void terminateConnectionsEndsTheApplicationsSessionsAtTheSwap() throws Exception {
        Connection application = as(app, prod);
        try {
            NewDatabaseRestore.Report report = service().restoreIntoNewDatabase(key, this::superuser, prod,
                    NewDatabaseRestore.Options.into(null).withSwap(true, true), Decryptors.none(), progress());
            assertThat(report.database()).isEqualTo(prod);
            assertThat(application.isValid(2)).isFalse();
            assertThat(notes).anySatisfy(n -> assertThat(n).startsWith("--terminate-connections: ended the sessions on "
                    + prod));
            assertThat(db.queryLong(prod, "SELECT count(*) FROM users")).isEqualTo(120);
        } finally {
            application.close();
        }
    }

    @Test
    void aRoleThatMayNotCreateDatabasesOrRenameTheOldOneIsRefusedUpFront() {
        assertThatThrownBy(() -> service().restoreIntoNewDatabase(key, d -> as(app, d), prod,
                NewDatabaseRestore.Options.into(null), Decryptors.none(), progress()))
                .isInstanceOf(RestoreRefusedException.class)
                .hasMessageContaining("the role " + app + " may not create databases (it needs CREATEDB)");
        db.execute("postgres", "ALTER ROLE " + app + " CREATEDB");
        assertThatThrownBy(() -> service().restoreIntoNewDatabase(key, d -> as(app, d), prod,
                NewDatabaseRestore.Options.into(null).withSwap(true, false), Decryptors.none(), progress()))
                .isInstanceOf(RestoreRefusedException.class)
                .hasMessageContaining("renaming " + prod + " needs its owner (" + owner + ") or a superuser");
        assertThat(databases(prod + "%")).containsExactly(prod);
    }

    /** A large object's descriptor lives only as long as its transaction: no commit may fall between lo_open and lo_close. */
    @Test
    void largeObjectsWrittenInChunksSurviveACommitAfterEveryStatement() throws Exception {
        db.execute("CREATE TABLE documents (id int PRIMARY KEY, body oid);"
                + " INSERT INTO documents SELECT g, lo_from_bytea(0, decode(repeat(md5(g::text), 20000), 'hex'))"
                + " FROM generate_series(1, 5) g;");
        String withLargeObjects = new BackupService(new DirectoryStore(repo), db::connect, BackupMetrics.NONE, clock,
                DumpOptions.defaults(), TestSigning.key())
                .run(BackupRequest.unencrypted(BackupKind.MANUAL, "auth-db", 6), DumpProgress.NONE).key();

        NewDatabaseRestore.Report report = service().restoreIntoNewDatabase(withLargeObjects, this::superuser, prod,
                NewDatabaseRestore.Options.into(prod + "_lo").withCommitEvery(1), Decryptors.none(), progress());

        assertThat(report.restore().verification().status()).isEqualTo(VerificationStatus.OK);
        assertThat(db.queryLong(prod + "_lo", "SELECT sum(length(lo_get(body))) FROM documents")).isEqualTo(5 * 320000);
    }

    /** Two restores into one name: the one that loses the race to CREATE DATABASE is refused, naming it, changing nothing. */
    @Test
    void aDatabaseCreatedUnderTheSameNameMeanwhileIsRefusedAndLeftAlone() {
        String name = prod + "_raced";
        NewDatabaseRestore.Connector racing = database -> {
            if (database.equals(prod)) { // the preflight reads the old database after checking the name is free
                db.execute("postgres", "CREATE DATABASE " + name);
            }
            return asOwner(database);
        };

        assertThatThrownBy(() -> service().restoreIntoNewDatabase(key, racing, prod,
                NewDatabaseRestore.Options.into(name), Decryptors.none(), progress()))
                .isInstanceOf(RestoreRefusedException.class)
                .hasMessageContaining("a database named " + name + " was created meanwhile (another restore into the"
                        + " same name?)")
                .hasMessageEndingWith("nothing was changed");
        assertThat(databases(prod + "%")).containsExactlyInAnyOrder(prod, name);
    }

    @Test
    void manyConnectionsShareAQuarterOfTheHeapForTheirChunks() {
        long heap = 128L << 20;
        assertThat(NewDatabaseRestore.chunkBytes(2, heap)).isEqualTo(4 << 20);
        assertThat(NewDatabaseRestore.chunkBytes(64, heap) * 65L).isLessThanOrEqualTo(heap / 4);
        assertThat(NewDatabaseRestore.chunkBytes(64, 16L << 20)).isEqualTo(64 << 10);
    }

    @Test
    void derivedNamesFitPostgresLimit() {
        String name = NewDatabaseRestore.derived("é".repeat(40), "_pre_restore_20261124_020000");
        assertThat(name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(63);
        assertThat(name).endsWith("_pre_restore_20261124_020000").startsWith("éé");
    }

    private RestoreService service() {
        return new RestoreService(new DirectoryStore(repo), clock, TestSigning.trust());
    }

    private ScriptApplier.Progress progress() {
        return new ScriptApplier.Progress() {
            @Override
            public void note(String message) {
                notes.add(message);
            }
        };
    }

    private Connection asOwner(String database) throws SQLException {
        return as(owner, database);
    }

    private Connection superuser(String database) throws SQLException {
        return db.server().connect(database);
    }

    private Connection as(String role, String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + db.server().port() + "/" + database,
                role, PASSWORD);
    }

    private List<String> databases(String like) {
        List<String> names = new ArrayList<>();
        try (Connection c = db.server().connect("postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + like + "'")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }

    private String text(String database, String sql) throws SQLException {
        try (Connection c = db.server().connect(database); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
