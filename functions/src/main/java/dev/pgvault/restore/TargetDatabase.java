package dev.pgvault.restore;

import dev.pgvault.errors.CleanBlockedException;
import dev.pgvault.errors.RestoreFailedException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a restore target already holds, and how to clear it ({@code --clean}).
 *
 * <p>The clean leaves what a new database has. It drops every user schema but {@code public}
 * (with everything in them), then everything inside {@code public}, then every large object;
 * {@code public} itself is kept, and with it its owner, its grants (a new database's, or the ones
 * an administrator gave the application, such as CREATE for its migrations on PostgreSQL 15+),
 * the default privileges set in it, its comment and its {@code pg_init_privs} entry. Dropping and
 * recreating {@code public} instead would leave it owned by the restoring role with no grants
 * (the application then gets "permission denied for schema public"), and restoring its owner
 * afterwards needs membership in {@code pg_database_owner} or, before PostgreSQL 15, the bootstrap
 * superuser, which an RDS master user does not have. A database without {@code public} gets one
 * as a new database of its server version has it.
 *
 * <p>Every DROP waits at most the clean's lock timeout for locks other sessions hold: the
 * running application is reported as such ({@link CleanBlockedException}) instead of waiting
 * behind it for ever.
 */
final class TargetDatabase {
    private static final String USER_SCHEMA = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'";
    /** What initdb writes on public; the dump leaves it out, so a clean public must have it. */
    static final String PUBLIC_COMMENT = "standard public schema";

    private TargetDatabase() {}

    /** Up to ten objects the database holds beyond an empty public schema (and plpgsql). */
    static List<String> existingObjects(Connection connection) throws SQLException {
        return objects(connection, true);
    }

    /**
     * @param anyExtension list extensions wherever they live (else only those in user schemas,
     *                     which the clean is responsible for)
     */
    private static List<String> objects(Connection connection, boolean anyExtension) throws SQLException {
        String sql = "SELECT kind || ' ' || name FROM ("
                + " SELECT 'relation' AS kind, c.oid::regclass::text AS name FROM pg_catalog.pg_class c"
                + "   JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_SCHEMA
                + " UNION ALL SELECT 'schema', quote_ident(n.nspname) FROM pg_catalog.pg_namespace n"
                + "   WHERE " + USER_SCHEMA + " AND n.nspname <> 'public'"
                + " UNION ALL SELECT 'function', p.oid::regprocedure::text FROM pg_catalog.pg_proc p"
                + "   JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE " + USER_SCHEMA
                + " UNION ALL SELECT 'type', t.oid::regtype::text FROM pg_catalog.pg_type t"
                + "   JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE " + USER_SCHEMA
                + "   AND t.typrelid = 0 AND t.typelem = 0"
                + " UNION ALL SELECT 'extension', quote_ident(e.extname) FROM pg_catalog.pg_extension e"
                + "   JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
                + "   WHERE e.extname <> 'plpgsql'" + (anyExtension ? "" : " AND " + USER_SCHEMA)
                + " UNION ALL (SELECT 'large object', m.oid::text FROM pg_catalog.pg_largeobject_metadata m"
                + "   ORDER BY m.oid LIMIT 10)"
                + " ) objects ORDER BY 1 LIMIT 10";
        List<String> objects = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                objects.add(rs.getString(1));
            }
        }
        return objects;
    }

    /**
     * Drops what the database holds, in the caller's transaction, and leaves {@code public} as
     * described above. Each statement waits at most {@code lockTimeout} for a lock (zero: for
     * ever); when one does not come, the transaction is rolled back and a
     * {@link CleanBlockedException} names the sessions that hold locks in the database.
     */
    static void clean(Connection connection, Duration lockTimeout) throws SQLException {
        String originalTimeout = single(connection, "SELECT pg_catalog.current_setting('lock_timeout')");
        setLockTimeout(connection, lockTimeout.toMillis() + "ms");
        String step = "the clean";
        try (Statement st = connection.createStatement()) {
            for (String schema : strings(connection, "SELECT quote_ident(n.nspname) FROM pg_catalog.pg_namespace n"
                    + " WHERE " + USER_SCHEMA + " AND n.nspname <> 'public' ORDER BY 1")) {
                step = "schema " + schema;
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
            if (single(connection, "SELECT pg_catalog.to_regnamespace('public')::oid::text") == null) {
                step = "schema public";
                createPublic(connection);
            } else {
                for (Drop drop : publicContents(connection)) {
                    step = drop.what();
                    st.execute(drop.sql());
                }
            }
            step = "the large objects";
            st.execute("SELECT count(pg_catalog.lo_unlink(m.oid)) FROM pg_catalog.pg_largeobject_metadata m");
        } catch (SQLException e) {
            if (isLockWait(e)) {
                throw blocked(connection, step, lockTimeout, e);
            }
            throw e;
        }
        List<String> left = objects(connection, false);
        if (!left.isEmpty()) {
            throw new RestoreFailedException("the clean left " + String.join(", ", left)
                    + " in the target database; nothing was changed (the restore was rolled back)");
        }
        setLockTimeout(connection, originalTimeout);
    }

    /**
     * The DROPs that empty public: extensions installed in it first, then every object that lives
     * in it on its own (not a part of another object: a table's row type, an index, a serial's
     * sequence, a partition, an extension's member go with what they belong to).
     */
    private static List<Drop> publicContents(Connection connection) throws SQLException {
        String sql = "SELECT i.type || ' ' || i.identity, 'DROP ' || CASE i.type WHEN 'statistics object' THEN 'STATISTICS'"
                + "   WHEN 'composite type' THEN 'TYPE' ELSE upper(i.type) END"
                + "   || ' IF EXISTS ' || i.identity || ' CASCADE'"
                + " FROM pg_catalog.pg_depend d, pg_catalog.pg_identify_object(d.classid, d.objid, d.objsubid) i"
                + " WHERE d.refclassid = 'pg_catalog.pg_namespace'::pg_catalog.regclass"
                + "   AND d.refobjid = 'public'::pg_catalog.regnamespace AND d.deptype = 'n' AND d.objsubid = 0"
                + "   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend o WHERE o.classid = d.classid"
                + "     AND o.objid = d.objid AND o.objsubid = 0 AND o.deptype IN ('e', 'a', 'i', 'P', 'S', 'x'))"
                + " ORDER BY i.type <> 'extension', i.type, i.identity";
        List<Drop> drops = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                drops.add(new Drop(rs.getString(1), rs.getString(2)));
            }
        }
        return drops;
    }

    /** "table public.users" and its DROP statement. */
    private record Drop(String what, String sql) {}

    /**
     * A public schema as a new database of this server version has it: owned by pg_database_owner
     * with USAGE for everyone from PostgreSQL 15, CREATE and USAGE for everyone before; the owner
     * the role may give (pg_database_owner needs the database's owner or a superuser, the bootstrap
     * superuser a superuser), else the restoring role.
     */
    private static void createPublic(Connection connection) throws SQLException {
        int version = Integer.parseInt(single(connection, "SELECT pg_catalog.current_setting('server_version_num')"));
        String owner = version >= 150000 ? "pg_database_owner"
                : single(connection, "SELECT CASE WHEN r.rolsuper THEN quote_ident(b.rolname) END"
                        + " FROM pg_catalog.pg_roles r, pg_catalog.pg_roles b"
                        + " WHERE r.rolname = current_user AND b.oid = 10");
        try (Statement st = connection.createStatement()) {
            boolean created = false;
            if (owner != null) {
                Savepoint savepoint = connection.setSavepoint();
                try {
                    st.execute("CREATE SCHEMA public AUTHORIZATION " + owner);
                    connection.releaseSavepoint(savepoint);
                    created = true;
                } catch (SQLException e) {
                    connection.rollback(savepoint); // not a member of that role: the restoring role owns it
                }
            }
            if (!created) {
                st.execute("CREATE SCHEMA public");
            }
            st.execute(version >= 150000 ? "GRANT USAGE ON SCHEMA public TO PUBLIC"
                    : "GRANT CREATE, USAGE ON SCHEMA public TO PUBLIC");
            st.execute("COMMENT ON SCHEMA public IS '" + PUBLIC_COMMENT + "'");
        }
    }

    /** lock_not_available (lock_timeout), or a deadlock with a session that locked what the clean drops. */
    static boolean isLockWait(SQLException e) {
        return "55P03".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
    }

    /** Rolls back and says who holds locks in the database: the application, most likely. */
    private static CleanBlockedException blocked(Connection connection, String step, Duration lockTimeout,
                                                 SQLException e) {
        String sessions;
        try {
            connection.rollback();
            sessions = Sessions.describe(Sessions.others(connection, null));
        } catch (SQLException unreadable) {
            sessions = "could not list them: " + unreadable.getMessage();
        }
        String waited = "40P01".equals(e.getSQLState()) ? "deadlocked with another session"
                : lockTimeout.isZero() ? "could not take its locks" : "waited " + seconds(lockTimeout) + " for a lock";
        return new CleanBlockedException("--clean " + waited + " (dropping " + step + "): the application still"
                + " holds locks in the target database (" + sessions + "). Scale the application down"
                + " (kubectl scale deployment/... --replicas=0) and retry; nothing was changed"
                + " (--lock-timeout sets how long the clean waits)", e);
    }

    private static String seconds(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static void setLockTimeout(Connection connection, String value) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement("SELECT pg_catalog.set_config('lock_timeout', ?, true)")) {
            st.setString(1, value);
            st.execute();
        }
    }

    static String single(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static List<String> strings(Connection connection, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
