package dev.pgvault.restore;

import dev.pgvault.archive.Manifest;
import dev.pgvault.errors.RestoreRefusedException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What a restore checks before its first statement: whether the target can take it as asked.
 *
 * <p>A restore in one transaction holds a lock on every relation it creates (and every object
 * its {@code --clean} drops) until it commits. They all live in the server's shared lock table,
 * which has room for about {@code max_locks_per_transaction × (max_connections + other server
 * processes + max_prepared_transactions)} objects, shared by every session; when it is full the
 * restore fails with "out of shared memory", possibly hours in, and rolls everything back. The
 * preflight counts what the restore needs — the objects the clean drops exactly (from the target's
 * catalog), the restore's own from the manifest (an estimate: the manifest records tables and
 * large objects, not indexes, partitions or sequences) — against what the lock table has free, and
 * refuses early with the numbers and the remedies.
 *
 * <p>It also says what it cannot check: free disk is not visible over SQL (CloudWatch's
 * FreeStorageSpace on RDS, {@code df} on the server's data directory elsewhere).
 */
public final class Preflight {
    /**
     * Locks a restored table takes, as estimated without the script: the table, its TOAST table
     * and TOAST index, and one index. Sequences, further indexes, partitioned parents and views
     * take more; tables without TOAST fewer. The application schema of the tests takes 6.75.
     */
    static final int LOCKS_PER_TABLE = 4;

    private Preflight() {}

    /**
     * The server's limits and what is in use now.
     *
     * @param otherProcesses       autovacuum workers (or slots), the launcher, background workers and WAL
     *                             senders: processes that count toward the lock table's size too
     * @param reservedConnections  connection slots this role may not use (superuser_reserved_connections,
     *                             reserved_connections); 0 for a superuser
     * @param locksInUse           distinct objects locked in the shared lock table now, by every session
     */
    public record Server(int versionNum, int maxLocksPerTransaction, int maxConnections, int maxPreparedTransactions,
                         int otherProcesses, int reservedConnections, boolean superuser, boolean createDb,
                         long locksInUse, int connectionsInUse) {
        public long lockCapacity() {
            return (long) maxLocksPerTransaction * (maxConnections + otherProcesses + maxPreparedTransactions);
        }

        public long locksAvailable() {
            return Math.max(0, lockCapacity() - locksInUse);
        }

        public int freeConnections() {
            return Math.max(0, maxConnections - reservedConnections - connectionsInUse);
        }

        /** "max_locks_per_transaction 64 × (max_connections 100 + 22 other server processes + max_prepared_transactions 0)". */
        String lockTableFormula() {
            return "max_locks_per_transaction " + maxLocksPerTransaction + " × (max_connections " + maxConnections
                    + " + " + otherProcesses + " other server processes + max_prepared_transactions "
                    + maxPreparedTransactions + ")";
        }

        /** The smallest max_locks_per_transaction (a multiple of 64) under which {@code locks} would fit now. */
        long maxLocksFor(long locks) {
            long processes = (long) maxConnections + otherProcesses + maxPreparedTransactions;
            long perProcess = (locks + locksInUse + processes - 1) / processes;
            return Math.max(maxLocksPerTransaction * 2L, ((perProcess + 63) / 64) * 64);
        }

        String connections() {
            return connectionsInUse + " of " + maxConnections + " connections in use"
                    + (reservedConnections > 0 ? " (" + reservedConnections + " reserved that this role may not use)" : "")
                    + ", " + freeConnections() + " free";
        }
    }

    /** Reads the target server's limits. */
    public static Server server(Connection connection) throws SQLException {
        String sql = "SELECT current_setting('server_version_num')::int,"
                + " current_setting('max_locks_per_transaction')::int,"
                + " current_setting('max_connections')::int,"
                + " current_setting('max_prepared_transactions')::int,"
                + " coalesce(current_setting('autovacuum_worker_slots', true),"
                + "   current_setting('autovacuum_max_workers'))::int + 1"
                + "   + current_setting('max_worker_processes')::int + current_setting('max_wal_senders')::int,"
                + " current_setting('superuser_reserved_connections')::int,"
                + " coalesce(current_setting('reserved_connections', true), '0')::int,"
                + " r.rolsuper, r.rolcreatedb,"
                + " (SELECT count(*) FROM (SELECT DISTINCT locktype, database, relation, page, tuple, virtualxid,"
                + "   transactionid, classid, objid, objsubid FROM pg_catalog.pg_locks WHERE NOT fastpath) l),"
                + " (SELECT count(*) FROM pg_catalog.pg_stat_activity WHERE backend_type = 'client backend'"
                + "   OR backend_type IS NULL AND usesysid IS NOT NULL AND datname IS NOT NULL)"
                + " FROM pg_catalog.pg_roles r WHERE r.rolname = current_user";
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            int version = rs.getInt(1);
            boolean superuser = rs.getBoolean(8);
            int reserved = 0;
            if (!superuser) {
                reserved = rs.getInt(6);
                int forRole = rs.getInt(7); // PostgreSQL 16+: slots for members of pg_use_reserved_connections
                if (forRole > 0 && !"t".equals(TargetDatabase.single(connection,
                        "SELECT pg_catalog.pg_has_role('pg_use_reserved_connections', 'MEMBER')"))) {
                    reserved += forRole;
                }
            }
            return new Server(version, rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5), reserved,
                    superuser, rs.getBoolean(9), rs.getLong(10), rs.getInt(11));
        }
    }

    /**
     * The locks the restore of {@code manifest} takes in one transaction: the relations it creates
     * as the manifest records them, or, for a manifest written before pgvault recorded them, an
     * estimate of {@value #LOCKS_PER_TABLE} a table; and one a large object (COMMENT ON and ALTER LARGE OBJECT ... OWNER lock each; the
     * manifest does not say whether the backup holds them, so they are counted).
     */
    static long restoreLocks(Manifest manifest) {
        long largeObjects = manifest.largeObjects() == null ? 0 : manifest.largeObjects().count();
        if (manifest.relations() != null) {
            return manifest.relations() + largeObjects;
        }
        return (long) manifest.tables().size() * LOCKS_PER_TABLE + largeObjects;
    }

    static String restoreLocksBasis(Manifest manifest) {
        long largeObjects = manifest.largeObjects() == null ? 0 : manifest.largeObjects().count();
        if (manifest.relations() != null) {
            return count(manifest.relations(), "relation") + " the backup creates: tables, partitions, indexes,"
                    + " sequences, views and TOAST tables, as its manifest records them"
                    + (largeObjects > 0 ? " + " + count(largeObjects, "large object") : "");
        }
        return count(manifest.tables().size(), "table") + " in the backup × " + LOCKS_PER_TABLE
                + " (the table, its TOAST table and index, one index: an estimate, as the manifest records no"
                + " index, partition or sequence counts)"
                + (largeObjects > 0 ? " + " + count(largeObjects, "large object") : "");
    }

    /**
     * The objects a {@code --clean} of this database drops and locks, exactly: everything that
     * depends on its user schemas (tables, their TOAST tables, indexes, row types, constraints,
     * defaults, triggers, functions...) and its large objects.
     */
    static long cleanLocks(Connection connection) throws SQLException {
        String sql = "WITH RECURSIVE doomed(classid, objid) AS ("
                + " SELECT 'pg_catalog.pg_namespace'::pg_catalog.regclass::oid, n.oid FROM pg_catalog.pg_namespace n"
                + "  WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'"
                + " UNION SELECT d.classid, d.objid FROM pg_catalog.pg_depend d"
                + "  JOIN doomed x ON d.refclassid = x.classid AND d.refobjid = x.objid)"
                + " SELECT (SELECT count(*) FROM doomed) + (SELECT count(*) FROM pg_catalog.pg_largeobject_metadata)";
        return Long.parseLong(TargetDatabase.single(connection, sql));
    }

    /**
     * The one-transaction restore's check: refuses ({@link RestoreRefusedException}) when the locks
     * it needs exceed what the server's lock table has free, and tells {@code notes} the numbers it
     * read either way. {@code manifest} is null for a script without one (only the clean is counted).
     */
    static void checkOneTransaction(Connection connection, Manifest manifest, RestoreOptions options,
                                    Consumer<String> notes) throws SQLException {
        Server server = server(connection);
        long clean = options.clean() ? cleanLocks(connection) : 0;
        long restore = manifest == null ? 0 : restoreLocks(manifest);
        long needed = clean + restore;
        String basis = (manifest == null ? "the script's own (no manifest to estimate them from)"
                : restoreLocksBasis(manifest))
                + (options.clean() ? " + " + count(clean, "object") + " the --clean drops" : "");
        notes.accept("preflight: the restore holds about " + number(needed) + " locks until it commits ("
                + basis + "); the server's lock table has room for about " + number(server.lockCapacity()) + " ("
                + server.lockTableFormula() + "), " + number(server.locksInUse()) + " in use now; "
                + server.connections());
        if (manifest != null) {
            notes.accept("preflight: " + disk(connection, manifest, options.clean()));
        }
        if (needed > server.locksAvailable()) {
            throw new RestoreRefusedException("the restore cannot fit in one transaction on this server: it would"
                    + " hold about " + number(needed) + " locks until its commit (" + basis + "), and the server's"
                    + " lock table has room for about " + number(server.lockCapacity()) + " ("
                    + server.lockTableFormula() + "), " + number(server.locksInUse()) + " of them in use now."
                    + " Nothing was changed. Either raise max_locks_per_transaction to "
                    + number(server.maxLocksFor(needed)) + " or more (a server restart; on RDS, in the DB"
                    + " parameter group), or restore into a new database in several transactions"
                    + " (--into-new-database, then --swap to rename it into place); --skip-preflight tries"
                    + " anyway");
        }
    }

    /** What can be said about disk: the backup's size, the target's, and that free space is not visible. */
    static String disk(Connection connection, Manifest manifest, boolean clean) throws SQLException {
        long current = Long.parseLong(TargetDatabase.single(connection,
                "SELECT pg_catalog.pg_database_size(pg_catalog.current_database())"));
        return "the backup's SQL is " + bytes(manifest.rawBytes()) + " uncompressed; the restored tables and"
                + " indexes take about that much disk or more (indexes are not in the SQL's size)"
                + (clean ? ", and the " + bytes(current) + " the target database uses now are freed only when"
                + " the restore commits" : "")
                + "; free disk cannot be read over SQL: check it first (FreeStorageSpace in CloudWatch on RDS,"
                + " df on the server's data directory elsewhere)";
    }

    static String count(long n, String noun) {
        return number(n) + " " + noun + (n == 1 ? "" : "s");
    }

    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = n;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
