package dev.pgvault.restore;

import dev.pgvault.archive.Manifest;
import dev.pgvault.config.CpuShare;
import dev.pgvault.dump.SessionSettings;
import dev.pgvault.erasure.LedgerApplier;
import dev.pgvault.errors.DatabaseUnavailableException;
import dev.pgvault.errors.IntegrityException;
import dev.pgvault.errors.ManifestMismatchException;
import dev.pgvault.errors.RestoreFailedException;
import dev.pgvault.errors.RestoreRefusedException;
import dev.pgvault.run.Cancellation;
import dev.pgvault.run.ConnectionAbort;
import dev.pgvault.verify.ContentCheck;
import dev.pgvault.verify.VerificationResult;
import dev.pgvault.verify.VerificationStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The restore for databases too large for one transaction: into a new database that pgvault
 * creates, in many transactions, verified against the manifest, and only then (with
 * {@link Options#swap}) renamed into the place of the old one. All or nothing at the level of
 * databases: any failure, the verification's included, drops the new database, and the old one
 * is not touched until the swap, whose two renames are one transaction.
 *
 * <p>The new database gets the old one's shape first ({@link DatabaseShape}: owner, encoding and
 * locale, privileges, settings, public's owner and grants, default privileges), so that after the
 * swap the application's role can do what it could before. The swap needs the old database to
 * have no sessions: it refuses naming them, or ends them with {@link Options#terminateConnections}.
 * The old database is kept under {@code <name>_pre_restore_<UTC time>} for the operator to drop.
 */
public final class NewDatabaseRestore {
    /** PostgreSQL's longest name (NAMEDATALEN - 1), in bytes. */
    private static final int MAX_NAME_BYTES = 63;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);
    private static final int SWAP_ATTEMPTS = 5;

    /** Opens a connection to a database of the target server, by name. */
    @FunctionalInterface
    public interface Connector {
        Connection connect(String database) throws SQLException;

        /**
         * This connector, with every connection but those to {@code kept} (the maintenance database)
         * aborted when {@code cancellation} is cancelled (a watchdog, a signal): what runs on them
         * fails at once, and the restore drops its new database over the connection it kept.
         */
        default Connector abortedOn(Cancellation cancellation, String kept) {
            return database -> {
                Connection connection = connect(database);
                if (!database.equals(kept)) {
                    cancellation.onCancel(() -> ConnectionAbort.quietly(connection));
                }
                return connection;
            };
        }
    }

    /**
     * @param newDatabase          the new database's name; null derives {@code <database>_restore_<UTC time>}
     * @param swap                 after verification, rename the old database away and the new one into its place
     * @param terminateConnections at the swap, end the old database's sessions instead of refusing
     * @param maintenanceDatabase  the database to connect to for CREATE, DROP and RENAME DATABASE ("postgres")
     * @param commitEvery          statements a transaction; 0 sizes it from the lock table
     * @param preflight            refuse early when the server cannot take it (see {@link Preflight})
     * @param showRowData          keep row values in errors (--debug)
     * @param jobs                 connections loading data, building indexes and constraints and verifying
     *                             at once; 1 applies the script on one connection
     */
    public record Options(String newDatabase, boolean swap, boolean terminateConnections, String maintenanceDatabase,
                          int commitEvery, boolean preflight, boolean showRowData, int jobs) {
        /** Most connections a restore opens. */
        public static final int MAX_JOBS = 64;
        public static final String DEFAULT_MAINTENANCE_DATABASE = "postgres";

        public Options {
            if (maintenanceDatabase == null || maintenanceDatabase.isBlank()) {
                maintenanceDatabase = DEFAULT_MAINTENANCE_DATABASE;
            }
            if (commitEvery < 0) {
                throw new IllegalArgumentException("commitEvery must be 0 (sized from the lock table) or more");
            }
            if (jobs < 1 || jobs > MAX_JOBS) {
                throw new IllegalArgumentException("jobs must be 1 to " + MAX_JOBS + ", got " + jobs);
            }
        }

        /**
         * Connections a restore opens unless told: the cores available ({@link CpuShare}), at most
         * this many, as each is one more on the production server.
         */
        public static final int DEFAULT_MAX_JOBS = 8;

        /**
         * Into {@code newDatabase} (null: a derived name), no swap, from "postgres", batches sized by
         * the server, on as many connections as the cores available, at most {@link #DEFAULT_MAX_JOBS}.
         */
        public static Options into(String newDatabase) {
            return new Options(newDatabase, false, false, DEFAULT_MAINTENANCE_DATABASE, 0, true, false,
                    Math.min(DEFAULT_MAX_JOBS, CpuShare.cores()));
        }

        public Options withJobs(int connections) {
            return new Options(newDatabase, swap, terminateConnections, maintenanceDatabase, commitEvery, preflight,
                    showRowData, connections);
        }

        public Options withSwap(boolean swapIn, boolean terminate) {
            return new Options(newDatabase, swapIn, terminate, maintenanceDatabase, commitEvery, preflight, showRowData, jobs);
        }

        public Options withMaintenanceDatabase(String name) {
            return new Options(newDatabase, swap, terminateConnections, name, commitEvery, preflight, showRowData, jobs);
        }

        public Options withCommitEvery(int statements) {
            return new Options(newDatabase, swap, terminateConnections, maintenanceDatabase, statements, preflight,
                    showRowData, jobs);
        }

        public Options withPreflight(boolean check) {
            return new Options(newDatabase, swap, terminateConnections, maintenanceDatabase, commitEvery, check,
                    showRowData, jobs);
        }

        public Options withShowRowData(boolean show) {
            return new Options(newDatabase, swap, terminateConnections, maintenanceDatabase, commitEvery, preflight,
                    show, jobs);
        }
    }

    /**
     * What was done.
     *
     * @param database  the restored database's name now: the old database's name after a swap, else the new one's
     * @param previous  after a swap, the name the old database was renamed to (kept; drop it when done), else null
     * @param warnings  properties of the old database that could not be copied onto the new one
     */
    public record Report(RestoreReport restore, String database, String previous, List<String> warnings) {}

    /** Applies the erasure ledger to the verified new database, in its open transaction (committed after). */
    @FunctionalInterface
    interface Eraser {
        LedgerApplier.Applied erase(Connection fresh) throws SQLException;
    }

    /**
     * Applies the backup's script to the new database, committing every {@code commitEvery}
     * statements, with {@code pool} (null for one connection) loading and building beside it.
     */
    @FunctionalInterface
    interface Applier {
        ScriptApplier.Outcome apply(Connection fresh, int commitEvery, LoadPool pool) throws SQLException, IOException;
    }

    private final Connector connector;
    private final String database;
    private final Options options;
    private final ScriptApplier.Progress progress;
    private final Clock clock;
    private final List<String> warnings = new ArrayList<>();
    private boolean created;
    /** This restore's own sessions on the old database, which may linger a moment after they are closed. */
    private final java.util.Set<Integer> ownSessions = new java.util.HashSet<>();

    NewDatabaseRestore(Connector connector, String database, Options options, ScriptApplier.Progress progress,
                       Clock clock) {
        this.connector = connector;
        this.database = database;
        this.options = options;
        this.progress = progress;
        this.clock = clock;
    }

    /** The plan the preflight settled. {@code shape} is null when the database to replace does not exist. */
    private record Plan(String newName, String previous, DatabaseShape shape, int commitEvery, int jobs) {}

    Report run(String key, Manifest manifest, Applier applier) {
        return run(key, manifest, applier, fresh -> LedgerApplier.Applied.NOTHING);
    }

    /** As {@link #run(String, Manifest, Applier)}, with the erasure ledger applied once the content matched. */
    Report run(String key, Manifest manifest, Applier applier, Eraser eraser) {
        Instant started = clock.instant();
        Plan plan;
        try (Connection admin = connectAdmin()) {
            plan = plan(admin, manifest);
            try {
                create(admin, plan);
                RestoreReport report = fill(plan, key, manifest, applier, eraser, started);
                if (options.swap()) {
                    swap(admin, plan);
                    progress.note("swapped: " + database + " is now the restored database; the one it replaced is "
                            + plan.previous() + " (drop it once the application is healthy: DROP DATABASE "
                            + DatabaseShape.identifier(plan.previous()) + ")");
                }
                return new Report(report, options.swap() ? database : plan.newName(), plan.previous(),
                        List.copyOf(warnings));
            } catch (RestoreRefusedException e) {
                if (created) {
                    throw undone(admin, plan, e);
                }
                throw e; // refused before anything was made: nothing to undo
            } catch (SQLException | IOException | RuntimeException e) {
                throw undone(admin, plan, e);
            }
        } catch (SQLException e) {
            RestoreErrors.Described described = RestoreErrors.describe(e, options.showRowData(), null, 0, -1);
            throw new RestoreFailedException("restoring " + key + " into a new database failed: " + described.message()
                    + "; nothing was changed", described.cause());
        }
    }

    private Connection connectAdmin() throws SQLException {
        Connection admin = connector.connect(options.maintenanceDatabase());
        admin.setAutoCommit(true);
        return admin;
    }

    /** The preflight: names, privileges, connections, sessions to swap out, lock table; refuses before anything is created. */
    private Plan plan(Connection admin, Manifest manifest) throws SQLException {
        Preflight.Server server = Preflight.server(admin);
        String stamp = STAMP.format(clock.instant());
        String newName = options.newDatabase() != null ? options.newDatabase() : derived(database, "_restore_" + stamp);
        String previous = options.swap() ? derived(database, "_pre_restore_" + stamp) : null;
        DatabaseShape shape = DatabaseShape.read(admin, database);
        if (!server.superuser() && !server.createDb()) {
            throw refused("the role " + user(admin) + " may not create databases (it needs CREATEDB)");
        }
        if (exists(admin, newName)) {
            throw refused("a database named " + newName + " already exists: choose another name"
                    + " (--into-new-database NAME) or drop it");
        }
        if (options.swap()) {
            if (shape == null) {
                throw refused("there is no database " + database + " to swap the restored one in for: restore"
                        + " without --swap, or name the database to replace in the URL");
            }
            if (!server.superuser() && !shape.ownerIsUs) {
                throw refused("renaming " + database + " needs its owner (" + shape.owner + ") or a superuser, and "
                        + user(admin) + " is neither: run the restore as the owner, or restore without --swap");
            }
            if (exists(admin, previous)) {
                throw refused("a database named " + previous + " already exists");
            }
        }
        if (server.freeConnections() < 1) {
            throw refused("the server has no free connection for the new database (" + server.connections() + ")");
        }
        // Our own connection and one per job, leaving the server at least two of its free connections.
        int jobs = options.jobs() == 1 ? 1 : (int) Math.max(1, Math.min(options.jobs(), server.freeConnections() - 3));
        if (jobs < options.jobs()) {
            progress.note("preflight: " + jobs + " connection" + (jobs == 1 ? "" : "s") + " loading instead of the "
                    + options.jobs() + " asked for, as the server has " + server.freeConnections()
                    + " free and the restore leaves it two");
        }
        if (shape != null) {
            try (Connection inside = connector.connect(database)) {
                ownSessions.add(Integer.valueOf(TargetDatabase.single(inside, "SELECT pg_catalog.pg_backend_pid()")));
                shape.readInside(inside);
            } catch (SQLException | DatabaseUnavailableException e) {
                warn("could not read public's privileges and the default privileges of " + database + ": "
                        + e.getMessage() + "; the new database has a new database's");
            }
            if (!shape.ownerIsUs) {
                warn("the new database is owned by " + user(admin) + ", not by " + shape.owner + " as " + database
                        + " is: " + user(admin) + " is not a member of " + shape.owner);
            }
        }
        if (options.swap()) {
            List<Sessions.Session> sessions = others(admin);
            if (!sessions.isEmpty() && !options.terminateConnections()) {
                throw refused("the swap renames " + database + ", which needs it to have no sessions, and "
                        + Sessions.describe(sessions) + ". Scale the application down (kubectl scale"
                        + " deployment/... --replicas=0) and retry, or pass --terminate-connections to end them at"
                        + " the swap");
            }
        }
        long available = server.locksAvailable();
        int commitEvery = options.commitEvery() > 0 ? options.commitEvery()
                : (int) Math.max(1, Math.min(1000, available / 16));
        if (options.preflight()) {
            progress.note("preflight: restoring into the new database " + newName + " in transactions of at most "
                    + commitEvery + " statements (each table's data is committed on its own), as the server's lock"
                    + " table has room for about " + Preflight.number(server.lockCapacity()) + " locks ("
                    + server.lockTableFormula() + "), " + Preflight.number(server.locksInUse()) + " in use now; "
                    + server.connections() + " (the restore needs " + (jobs == 1 ? "1" : (jobs + 1)
                    + ": one reading the backup, " + jobs + " loading data and building indexes side by side") + ")");
            progress.note("preflight: the backup's SQL is " + Preflight.bytes(manifest.rawBytes()) + " uncompressed;"
                    + " the new database takes about that much disk or more (indexes are not in the SQL's size)"
                    + (shape == null ? "" : ", beside " + database + "'s, which stays"
                    + (options.swap() ? " (renamed to " + previous + ")" : "") + " until you drop it")
                    + "; free disk cannot be read over SQL: check it first (FreeStorageSpace in CloudWatch on"
                    + " RDS, df on the server's data directory elsewhere)");
        }
        return new Plan(newName, previous, shape, commitEvery, jobs);
    }

    private void create(Connection admin, Plan plan) throws SQLException {
        String create = plan.shape() != null ? plan.shape().createDatabase(plan.newName())
                : "CREATE DATABASE " + DatabaseShape.identifier(plan.newName()) + " TEMPLATE template0";
        try (Statement st = admin.createStatement()) {
            st.execute(create);
        } catch (SQLException e) {
            // 42P04, or a unique violation on pg_database when two CREATEs race past the preflight's check
            if ("42P04".equals(e.getSQLState()) || "23505".equals(e.getSQLState())) {
                throw refused("a database named " + plan.newName() + " was created meanwhile (another restore into"
                        + " the same name?): choose another name (--into-new-database NAME) or drop it");
            }
            throw e;
        }
        created = true;
        progress.note("created database " + plan.newName() + (plan.shape() == null ? ""
                : " (encoding, locale, owner, privileges and settings as " + database + ")"));
        if (plan.shape() != null) {
            for (String statement : plan.shape().databaseStatements(plan.newName())) {
                DatabaseShape.runOrWarn(admin, statement, this::warn);
            }
        }
    }

    /** Restores and verifies in the new database; the connection is closed before any rename. */
    private RestoreReport fill(Plan plan, String key, Manifest manifest, Applier applier, Eraser eraser,
                               Instant started)
            throws SQLException, IOException {
        try (Connection fresh = connector.connect(plan.newName())) {
            fresh.setAutoCommit(true);
            if (plan.shape() != null) {
                plan.shape().applyInside(fresh, this::warn);
            }
            fresh.setAutoCommit(false);
            ScriptApplier.Outcome outcome;
            List<String> differences;
            try (LoadPool pool = plan.jobs() > 1 ? pool(plan) : null) {
                Map<String, String> compared = new ConcurrentHashMap<>();
                if (pool != null) {
                    compareWhenLoaded(pool, manifest, compared);
                }
                outcome = applier.apply(fresh, plan.commitEvery(), pool);
                fresh.commit();
                differences = pool == null ? ContentCheck.differences(fresh, manifest)
                        : differences(pool, fresh, manifest, compared);
                fresh.commit();
            }
            if (!differences.isEmpty()) {
                throw new ManifestMismatchException("the restored database does not match backup " + key
                        + "'s manifest: " + String.join("; ", differences));
            }
            // Compared exactly, then erased, before anything (a swap, a repoint) lets the application see it.
            LedgerApplier.Applied erased = eraser.erase(fresh);
            fresh.commit();
            Instant now = clock.instant();
            VerificationResult verification = new VerificationResult(key, VerificationStatus.OK, List.of(), now,
                    Duration.between(started, now));
            return new RestoreReport(key, plan.newName(), outcome.tables(), outcome.rows(),
                    Duration.between(started, now), verification, outcome.producer(), erased);
        }
    }

    /** The connections that load and build beside the one reading the backup. */
    private LoadPool pool(Plan plan) throws SQLException {
        List<Connection> connections = new ArrayList<>();
        try {
            for (int i = 0; i < plan.jobs(); i++) {
                connections.add(connector.connect(plan.newName()));
            }
            return new LoadPool(connections, chunkBytes(plan.jobs(), Runtime.getRuntime().maxMemory()));
        } catch (SQLException | RuntimeException e) {
            for (Connection connection : connections) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // the failure to open the others is the one to report
                }
            }
            throw e;
        }
    }

    /**
     * The size of the pool's chunks: its {@code jobs + 1} buffers take at most a quarter of the heap
     * (the CLI's is 128 MiB), so that many connections do not exhaust it; 64 KiB to 4 MiB.
     */
    static int chunkBytes(int jobs, long maxHeap) {
        long share = maxHeap / 4 / (jobs + 1);
        return (int) Math.max(64 << 10, Math.min(LoadPool.DEFAULT_CHUNK_BYTES, share));
    }

    /**
     * Compares each table with the manifest as soon as its data is in, on a connection that would
     * otherwise wait (the pool's background work), into {@code compared}: table key to its
     * difference, or "" for none.
     */
    private static void compareWhenLoaded(LoadPool pool, Manifest manifest, Map<String, String> compared) {
        Map<String, Manifest.Table> tables = new HashMap<>();
        for (Manifest.Table table : manifest.tables()) {
            tables.put(key(table), table);
        }
        pool.afterLoad(load -> {
            Manifest.Table table = tables.get(load.table);
            return table == null ? null : connection -> {
                try {
                    compared.put(load.table, Objects.requireNonNullElse(compare(connection, table), ""));
                } catch (IOException e) {
                    throw new SQLException("comparing " + table.qualifiedName() + " with the manifest: "
                            + e.getMessage(), e);
                }
                return 0;
            };
        });
    }

    /**
     * {@link ContentCheck#differences}, in the manifest's order: the tables not compared while the
     * script ran are compared now, side by side on the pool's connections, largest first (so that
     * no large table is left to the end alone).
     */
    private static List<String> differences(LoadPool pool, Connection fresh, Manifest manifest,
                                            Map<String, String> compared) throws SQLException, IOException {
        pool.dropBackground();
        List<Manifest.Table> largestFirst = manifest.tables().stream()
                .filter(table -> !compared.containsKey(key(table)))
                .sorted(Comparator.comparingLong(Manifest.Table::rows).reversed()).toList();
        try {
            List<String> found = pool.map(largestFirst, NewDatabaseRestore::compare);
            for (int i = 0; i < largestFirst.size(); i++) {
                Manifest.Table table = largestFirst.get(i);
                compared.put(key(table),
                        Objects.requireNonNullElse(found.get(i), ""));
            }
        } catch (LoadPool.WorkFailedException e) {
            throw e.error;
        }
        List<String> differences = new ArrayList<>();
        for (Manifest.Table table : manifest.tables()) {
            String difference = compared.get(key(table));
            if (!difference.isEmpty()) {
                differences.add(difference);
            }
        }
        SessionSettings.apply(fresh);
        differences.addAll(ContentCheck.largeObjectDifferences(fresh, manifest));
        return differences;
    }

    /** A manifest's table as the pool names tables. */
    private static String key(Manifest.Table table) {
        return ParallelStatement.tableKey(table.schema(), table.name());
    }

    /** One table against the manifest, with the dump's session settings; null if it matches. */
    private static String compare(Connection connection, Manifest.Table table) throws SQLException, IOException {
        SessionSettings.apply(connection);
        return ContentCheck.tableDifference(connection, table, LedgerApplier.Applied.NOTHING);
    }

    /** Both renames in one transaction: either the restored database is in place, or nothing moved. */
    private void swap(Connection admin, Plan plan) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            List<Sessions.Session> sessions = others(admin);
            if (!sessions.isEmpty()) {
                if (!options.terminateConnections()) {
                    throw new RestoreFailedException("the swap found sessions on " + database + " ("
                            + Sessions.describe(sessions) + "). Scale the application down (kubectl scale"
                            + " deployment/... --replicas=0) and retry, or pass --terminate-connections");
                }
                terminate(admin, sessions);
            }
            admin.setAutoCommit(false);
            try (Statement st = admin.createStatement()) {
                st.execute("ALTER DATABASE " + DatabaseShape.identifier(database) + " RENAME TO "
                        + DatabaseShape.identifier(plan.previous()));
                st.execute("ALTER DATABASE " + DatabaseShape.identifier(plan.newName()) + " RENAME TO "
                        + DatabaseShape.identifier(database));
                admin.commit();
                return;
            } catch (SQLException e) {
                admin.rollback();
                // 55006: someone connected between the check and the rename (PostgreSQL waited 5 s for them)
                if (!"55006".equals(e.getSQLState()) || !options.terminateConnections() || attempt >= SWAP_ATTEMPTS) {
                    throw e;
                }
            } finally {
                admin.setAutoCommit(true);
            }
        }
    }

    private void terminate(Connection admin, List<Sessions.Session> sessions) throws SQLException {
        try (PreparedStatement st = admin.prepareStatement("SELECT pg_catalog.pg_terminate_backend(?)")) {
            for (Sessions.Session session : sessions) {
                st.setInt(1, session.pid());
                st.execute();
            }
        }
        progress.note("--terminate-connections: ended the sessions on " + database + " ("
                + Sessions.describe(sessions) + ")");
    }

    /** Drops the new database after a failure and says what is left as it was. */
    private RestoreFailedException undone(Connection admin, Plan plan, Exception failure) {
        String dropped = created ? dropNew(admin, plan.newName()) : "nothing was created";
        String untouched = plan.shape() == null ? "" : ", " + database + " is as it was";
        String cause;
        Throwable attach = failure;
        if (failure instanceof SQLException sql) {
            RestoreErrors.Described described = RestoreErrors.describe(sql, options.showRowData(), null, 0, -1);
            cause = described.message();
            attach = described.cause();
        } else {
            cause = String.valueOf(failure.getMessage()).replaceFirst("; the restore was (stopped and )?rolled back$", "");
        }
        String message = "restoring into the new database " + plan.newName() + " failed: " + cause + "; " + dropped
                + untouched;
        if (failure instanceof ManifestMismatchException || failure instanceof IntegrityException) {
            return new ManifestMismatchException(message, attach); // damaged or different: not the server's fault
        }
        return new RestoreFailedException(message, attach);
    }

    private String dropNew(Connection admin, String name) {
        try {
            drop(admin, name);
            return "the new database " + name + " was dropped";
        } catch (SQLException first) {
            try (Connection again = connectAdmin()) {
                drop(again, name);
                return "the new database " + name + " was dropped";
            } catch (SQLException e) {
                return "the new database " + name + " could not be dropped (" + e.getMessage()
                        + "): drop it by hand (DROP DATABASE " + DatabaseShape.identifier(name) + ")";
            }
        }
    }

    private static void drop(Connection admin, String name) throws SQLException {
        DatabaseDrop.dropIfExists(admin, name);
    }

    /** The sessions on the old database but this restore's own. */
    private List<Sessions.Session> others(Connection admin) throws SQLException {
        return Sessions.others(admin, database).stream().filter(s -> !ownSessions.contains(s.pid())).toList();
    }

    private void warn(String warning) {
        warnings.add(warning);
        progress.note("warning: " + warning);
    }

    private RestoreRefusedException refused(String reason) {
        return new RestoreRefusedException(reason + "; nothing was changed");
    }

    private static boolean exists(Connection admin, String name) throws SQLException {
        try (PreparedStatement st = admin.prepareStatement("SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String user(Connection admin) throws SQLException {
        return TargetDatabase.single(admin, "SELECT current_user");
    }

    /** {@code base + suffix}, with base shortened (on a character boundary) so that the whole fits PostgreSQL's 63 bytes. */
    static String derived(String base, String suffix) {
        int room = MAX_NAME_BYTES - suffix.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder kept = new StringBuilder();
        int bytes = 0;
        for (int i = 0; i < base.length(); ) {
            int codePoint = base.codePointAt(i);
            int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > room) {
                break;
            }
            kept.appendCodePoint(codePoint);
            bytes += size;
            i += Character.charCount(codePoint);
        }
        return kept + suffix;
    }
}
