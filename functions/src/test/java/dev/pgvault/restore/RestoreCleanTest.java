package dev.pgvault.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.CleanBlockedException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.sandbox.ThrowawayPostgres;
import dev.pgvault.testing.Fixtures;
import dev.pgvault.testing.PostgresVersions;
import dev.pgvault.testing.TestDatabase;
import dev.pgvault.testing.TestSigning;
import dev.pgvault.verify.VerificationStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --clean} on a real PostgreSQL leaves what a new database has: {@code public} with its
 * owner and grants (so the application's own, non-owner role goes on using it), no large
 * objects, and it says "scale the application down" instead of waiting behind its locks.
 */
class RestoreCleanTest {
    private static final String PASSWORD = "clean-test-pw";

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T02:00:00Z"), ZoneOffset.UTC);
    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    private final String owner = "pgv_owner_" + suffix;
    private final String app = "pgv_app_" + suffix;
    private final List<String> databases = new ArrayList<>();

    @AfterEach
    void dropDatabasesThenRoles() {
        for (String database : databases) {
            db.server().dropDatabase(database);
        }
        db.execute("postgres", "DROP ROLE IF EXISTS " + app + "; DROP ROLE IF EXISTS " + owner);
    }

    @Test
    void theApplicationsNonOwnerRoleCanUsePublicAfterACleanRestore() throws Exception {
        String key = backUpTheSample();
        // The database as production has it: owned by a migration role, used by the application's own role,
        // which may create tables in public (PostgreSQL 15+ gives that to nobody by default) and read the
        // owner's tables through default privileges.
        db.execute("postgres", "CREATE ROLE " + owner + " LOGIN PASSWORD '" + PASSWORD + "';"
                + " CREATE ROLE " + app + " LOGIN PASSWORD '" + PASSWORD + "'");
        String target = ownedDatabase();
        try (Connection c = as(owner, target); Statement st = c.createStatement()) {
            st.execute("GRANT CREATE ON SCHEMA public TO " + app);
            st.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT ON TABLES TO " + app);
            st.execute("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO " + app);
        }
        restoreAs(owner, key, target, RestoreOptions.defaults());
        try (Connection c = as(app, target); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public.app_notes (id int)"); // something of the application's own
            assertThat(count(st, "SELECT count(*) FROM users")).isEqualTo(120);
        }
        String aclBefore = publicAcl(target);

        RestoreReport report = restoreAs(owner, key, target, new RestoreOptions(false, true, true));

        assertThat(report.verification().status()).isEqualTo(VerificationStatus.OK);
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_class WHERE relname = 'app_notes'")).isZero();
        assertThat(publicAcl(target)).isEqualTo(aclBefore).contains(app + "=C/pg_database_owner")
                .contains("=U/pg_database_owner");
        assertThat(text(target, "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'public'"))
                .isEqualTo("pg_database_owner");
        assertThat(text(target, "SELECT obj_description('public'::regnamespace, 'pg_namespace')"))
                .isEqualTo("standard public schema");
        try (Connection c = as(app, target); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public.after_restore (id int)");
            st.execute("INSERT INTO public.after_restore VALUES (1)");
            assertThat(count(st, "SELECT count(*) FROM users")).isEqualTo(120);
            st.execute("INSERT INTO users (email, password_hash) VALUES ('new@example.com', 'x')");
        }
    }

    @Test
    void everyKindOfObjectInPublicGoesWhilePublicStays() throws Exception {
        String key = backUpTheSample();
        String target = db.newDatabase();
        long publicOid = db.queryLong(target, "SELECT 'public'::regnamespace::oid");
        db.execute(target, """
                CREATE EXTENSION pg_trgm SCHEMA public;
                CREATE DOMAIN public.positive AS int CHECK (VALUE > 0);
                CREATE TYPE public.mood AS ENUM ('ok');
                CREATE TYPE public.pair AS (a int, b int);
                CREATE TABLE public.users (id serial PRIMARY KEY, name text, p public.positive, m public.mood);
                CREATE INDEX ON public.users USING gin (name gin_trgm_ops);
                CREATE VIEW public.v AS SELECT * FROM public.users;
                CREATE MATERIALIZED VIEW public.mv AS SELECT count(*) FROM public.users;
                CREATE FUNCTION public.f(public.pair) RETURNS int LANGUAGE sql AS 'SELECT 1';
                CREATE PROCEDURE public.p() LANGUAGE sql AS 'SELECT 1';
                CREATE AGGREGATE public.agg(int) (SFUNC = int4pl, STYPE = int);
                CREATE COLLATION public.c (locale = 'C');
                CREATE STATISTICS public.s ON id, name FROM public.users;
                CREATE TABLE public.parted (id int, k int) PARTITION BY RANGE (id);
                CREATE TABLE public.parted_1 PARTITION OF public.parted FOR VALUES FROM (0) TO (10);
                CREATE TEXT SEARCH CONFIGURATION public.tsc (COPY = english);
                CREATE SEQUENCE public.standalone;
                CREATE OPERATOR public.=== (LEFTARG = int, RIGHTARG = int, FUNCTION = int4eq);
                CREATE SCHEMA junk; CREATE TABLE junk.t (id int);
                SELECT lo_from_bytea(0, '\\x0102');
                """);

        restore(key, target, new RestoreOptions(false, true, true));

        assertThat(db.queryLong(target, "SELECT 'public'::regnamespace::oid")).isEqualTo(publicOid);
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")).isZero();
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_namespace WHERE nspname = 'junk'")).isZero();
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_largeobject_metadata")).isZero();
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_depend WHERE refobjid = 'public'::regnamespace"
                + " AND classid NOT IN ('pg_class'::regclass, 'pg_type'::regclass)")).isZero();
        assertThat(db.queryLong(target, "SELECT count(*) FROM users")).isEqualTo(120);
    }

    @Test
    void aDatabaseWithLargeObjectsRestoresOverItselfWithClean() throws Exception {
        db.execute("CREATE TABLE documents (id int PRIMARY KEY, body oid);"
                + " INSERT INTO documents SELECT g, lo_from_bytea(0, decode(repeat(md5(g::text), 500), 'hex'))"
                + " FROM generate_series(1, 20) g;");
        String key = backUp();
        String target = db.newDatabase();
        restore(key, target, RestoreOptions.defaults());
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_largeobject_metadata")).isEqualTo(20);

        RestoreReport again = restore(key, target, new RestoreOptions(false, true, true));

        assertThat(again.verification().status()).isEqualTo(VerificationStatus.OK);
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_largeobject_metadata")).isEqualTo(20);
        assertThat(db.queryLong(target, "SELECT sum(length(lo_get(body))) FROM documents")).isEqualTo(20 * 8000);
    }

    @Test
    void aLockTheApplicationHoldsFailsTheCleanFastSayingScaleDownAndChangesNothing() throws Exception {
        String key = backUpTheSample();
        String target = db.newDatabase();
        restore(key, target, RestoreOptions.defaults());
        db.execute(target, "CREATE TABLE public.marker (id int); INSERT INTO marker VALUES (1)");
        try (Connection application = db.server().connect(target)) {
            application.setClientInfo("ApplicationName", "auth-service");
            application.setAutoCommit(false);
            try (Statement st = application.createStatement()) {
                st.execute("SELECT count(*) FROM users"); // a request in flight: ACCESS SHARE until it ends
            }
            int pid = application.unwrap(org.postgresql.PGConnection.class).getBackendPID();
            long started = System.nanoTime();

            assertThatThrownBy(() -> restore(key, target, new RestoreOptions(false, true, true)
                    .withCleanLockTimeout(Duration.ofSeconds(1))))
                    .isInstanceOf(CleanBlockedException.class)
                    .hasMessageContaining("waited 1 s for a lock")
                    .hasMessageContaining("the application still holds locks in the target database")
                    .hasMessageContaining("pid " + pid + " (")
                    .hasMessageContaining("application 'auth-service'")
                    .hasMessageContaining("holding locks")
                    .hasMessageContaining("Scale the application down (kubectl scale deployment/... --replicas=0)"
                            + " and retry; nothing was changed");

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
            application.rollback();
        }
        assertThat(db.queryLong(target, "SELECT count(*) FROM marker")).isEqualTo(1);
        assertThat(db.queryLong(target, "SELECT count(*) FROM users")).isEqualTo(120);
        // and once the application is gone, the same restore goes through
        restore(key, target, new RestoreOptions(false, true, true).withCleanLockTimeout(Duration.ofSeconds(1)));
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_class WHERE relname = 'marker'")).isZero();
    }

    @Test
    void aMissingPublicIsCreatedAsANewDatabaseHasItOnFifteen() throws Exception {
        String target = db.newDatabase();
        db.execute(target, "DROP SCHEMA public CASCADE");
        try (Connection c = db.server().connect(target)) {
            c.setAutoCommit(false);
            TargetDatabase.clean(c, Duration.ofSeconds(5));
            c.commit();
        }
        assertThat(text(target, "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'public'"))
                .isEqualTo("pg_database_owner");
        assertThat(publicAcl(target)).isEqualTo("{pg_database_owner=UC/pg_database_owner,=U/pg_database_owner}");
        assertThat(text(target, "SELECT obj_description('public'::regnamespace, 'pg_namespace')"))
                .isEqualTo("standard public schema");
        assertThat(text(target, "SHOW lock_timeout")).isEqualTo("0");
    }

    /** Before 15, a new database's public lets everyone create in it; a clean keeps or recreates exactly that. */
    @Test
    void publicOnThirteenKeepsOrGetsBackCreateAndUsageForEveryone() throws Exception {
        ThrowawayPostgres thirteen = PostgresVersions.server(13);
        String name = "clean13_" + suffix;
        thirteen.createDatabase(name);
        try {
            String fresh;
            try (Connection c = thirteen.connect(name); Statement st = c.createStatement()) {
                fresh = string(st, "SELECT nspacl::text FROM pg_namespace WHERE nspname = 'public'");
                st.execute("CREATE TABLE public.t (id int); SELECT lo_from_bytea(0, '\\x01')");
                c.setAutoCommit(false);
                TargetDatabase.clean(c, Duration.ofSeconds(5));
                c.commit();
                assertThat(string(st, "SELECT nspacl::text FROM pg_namespace WHERE nspname = 'public'")).isEqualTo(fresh);
                assertThat(string(st, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"))
                        .isEqualTo("0");
                st.execute("DROP SCHEMA public");
                c.commit();
                TargetDatabase.clean(c, Duration.ofSeconds(5));
                c.commit();
                assertThat(string(st, "SELECT nspacl::text FROM pg_namespace WHERE nspname = 'public'"))
                        .isEqualTo(fresh).isEqualTo("{postgres=UC/postgres,=UC/postgres}");
                assertThat(string(st, "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'public'"))
                        .isEqualTo("postgres");
            }
        } finally {
            thirteen.dropDatabase(name);
        }
    }

    private String ownedDatabase() {
        String name = "clean_" + suffix;
        db.execute("postgres", "CREATE DATABASE " + name + " OWNER " + owner + " TEMPLATE template0 ENCODING 'UTF8'");
        databases.add(name);
        return name;
    }

    private Connection as(String role, String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + db.server().port() + "/" + database,
                role, PASSWORD);
    }

    private String backUpTheSample() throws Exception {
        db.execute(Fixtures.sql("application-schema.sql"));
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 120);
        }
        return backUp();
    }

    private String backUp() {
        return new BackupService(new DirectoryStore(repo), db::connect, BackupMetrics.NONE, clock,
                DumpOptions.defaults(), TestSigning.key())
                .run(BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 6), DumpProgress.NONE).key();
    }

    private RestoreReport restore(String key, String target, RestoreOptions options) throws Exception {
        try (Connection c = db.server().connect(target)) {
            return service().restore(key, c, target, options, Decryptors.none(), ScriptApplier.Progress.NONE);
        }
    }

    private RestoreReport restoreAs(String role, String key, String target, RestoreOptions options) throws Exception {
        try (Connection c = as(role, target)) {
            return service().restore(key, c, target, options, Decryptors.none(), ScriptApplier.Progress.NONE);
        }
    }

    private RestoreService service() {
        return new RestoreService(new DirectoryStore(repo), clock, TestSigning.trust());
    }

    private String publicAcl(String database) throws SQLException {
        return text(database, "SELECT nspacl::text FROM pg_namespace WHERE nspname = 'public'");
    }

    private String text(String database, String sql) throws SQLException {
        try (Connection c = db.server().connect(database); Statement st = c.createStatement()) {
            return string(st, sql);
        }
    }

    private static String string(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
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
