package dev.pgvault.dump;

import dev.pgvault.Version;
import dev.pgvault.archive.ContentHash;
import dev.pgvault.archive.Manifest;
import dev.pgvault.errors.PgvaultException;
import dev.pgvault.errors.UnsupportedObjectException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The logical dump engine: writes a plain SQL script that {@code psql -v ON_ERROR_STOP=1 -f}
 * restores into an empty database — pre-data DDL, each table's rows as a
 * {@code COPY ... FROM stdin} block and large objects' content, then post-data (constraints,
 * indexes, triggers, foreign keys, materialized view refreshes, row-level security, privileges).
 *
 * <p>Everything is read in one {@code REPEATABLE READ, READ ONLY} transaction, so the script
 * is one consistent snapshot; the dumped tables are locked {@code ACCESS SHARE} first, so
 * their definitions cannot change underneath (writes go on). Rows stream through with
 * constant memory. A database holding anything the dump cannot reproduce is refused before a
 * byte is written, naming each such object.
 */
public final class Dumper {
    /** The last line of every complete dump: a restore that does not reach it had a truncated script. */
    public static final String COMPLETION_MARKER = "-- pgvault dump complete";
    static final int MIN_SERVER_VERSION = 130000;

    private final DumpOptions options;

    public Dumper(DumpOptions options) {
        this.options = options;
    }

    /** A serial dump: everything on {@code connection}. */
    public DumpResult dump(Connection connection, OutputStream out, DumpProgress progress) {
        return dump(connection, out, progress, null);
    }

    /**
     * With {@link DumpOptions#jobs()} above 1 and {@code workers} given, table data is read by that
     * many more connections at once, all in this dump's snapshot (see {@link ParallelCopy}); the
     * output is the same single script a serial dump writes.
     */
    public DumpResult dump(Connection connection, OutputStream out, DumpProgress progress, WorkerConnections workers) {
        String stage = "starting the snapshot";
        ParallelCopy parallel = null;
        try {
            connection.setAutoCommit(false);
            try (Statement st = connection.createStatement()) {
                st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            }
            SessionSettings.apply(connection);
            // Every name the server renders is quoted, whatever its keyword list: a name that is no
            // keyword here (system_user before 16) may be one where the backup is restored, as
            // pg_dump --quote-all-identifiers (pg_upgrade's choice). Off again before the rows are
            // copied, so data (regclass values) reads as a verification reads it.
            setQuoteAll(connection, true);
            Snapshot snapshot = Snapshot.read(connection);
            if (snapshot.serverVersionNum() < MIN_SERVER_VERSION) {
                throw new PgvaultException("PostgreSQL " + snapshot.serverVersion()
                        + " is not supported; pgvault backs up PostgreSQL 13 and newer");
            }

            stage = "reading the list of tables";
            CatalogReader catalog = new CatalogReader(connection, snapshot.serverVersionNum(), options);
            catalog.readRelations();
            stage = "locking the tables";
            lock(connection, catalog.lockable());

            stage = "checking for objects pgvault cannot reproduce";
            List<String> unsupported = UnsupportedObjects.find(connection, snapshot.serverVersionNum());
            if (!unsupported.isEmpty()) {
                throw new UnsupportedObjectException(unsupported);
            }
            stage = "reading definitions";
            List<DumpItem> ordered = DependencyOrder.sort(catalog.readDefinitions());
            setQuoteAll(connection, false);

            List<TableData> data = ordered.stream().map(DumpItem::data).filter(d -> d != null).toList();
            if (options.jobs() > 1 && workers != null && !data.isEmpty()) {
                stage = "starting the parallel workers";
                List<CopyChunk> chunks = ChunkPlanner.plan(connection, data, snapshot.serverVersionNum(),
                        options.jobs(), options.chunkBytes());
                parallel = ParallelCopy.start(workers, exportSnapshot(connection), options.jobs(), chunks,
                        () -> isClosed(connection));
            }

            List<Manifest.Table> tables = new ArrayList<>();
            writeText(out, header(snapshot));
            int tableCount = data.size();
            int tableIndex = 0;
            for (DumpItem item : ordered) {
                stage = "dumping " + item.label();
                if (item.writer() != null) {
                    writeText(out, "\n-- " + SqlText.commentSafe(item.label()) + "\n");
                    item.writer().write(connection, out);
                    continue;
                }
                if (item.data() == null) {
                    String sql = item.sql();
                    if (sql.isEmpty()) {
                        continue; // e.g. the public schema, which every database already has
                    }
                    writeText(out, "\n-- " + SqlText.commentSafe(item.label()) + "\n" + sql);
                    continue;
                }
                TableData table = item.data();
                progress.tableStarted(table.displayName(), ++tableIndex, tableCount);
                writeText(out, "\n-- " + SqlText.commentSafe(item.label()) + "\n" + table.copyInSql() + "\n");
                TableCopier.RowListener rowListener = (rows, bytes) -> progress.tableRows(table.displayName(), rows, bytes);
                ContentHash hash = parallel != null ? parallel.copyTable(table, out, rowListener)
                        : TableCopier.copy(connection, table.copyOutSql(), out, rowListener);
                writeText(out, "\\.\n");
                if (table.wholeTable()) {
                    tables.add(new Manifest.Table(table.schema(), table.name(), hash.rows(), hash.hex()));
                }
            }
            writeText(out, "\n" + COMPLETION_MARKER + "\n");
            stage = "ending the snapshot";
            connection.commit();
            ContentHash largeObjects = catalog.largeObjects();
            return new DumpResult(snapshot.database(), snapshot.serverVersion(), snapshot.serverVersionNum(),
                    snapshot.time(), tables, largeObjects.rows() == 0 ? null
                            : new Manifest.LargeObjects(largeObjects.rows(), largeObjects.hex()));
        } catch (SQLException e) {
            rollbackQuietly(connection);
            throw new PgvaultException("the dump failed while " + stage + ": " + DatabaseErrors.describe(e), e);
        } catch (IOException e) {
            rollbackQuietly(connection);
            throw new PgvaultException("the dump failed while " + stage + ": could not write the backup stream: "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            rollbackQuietly(connection);
            throw e;
        } finally {
            if (parallel != null) {
                parallel.close();
            }
        }
    }

    /** The snapshot's name, for the workers to import; valid while this transaction lasts. */
    private static String exportSnapshot(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_export_snapshot()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static boolean isClosed(Connection connection) {
        try {
            return connection.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    private void lock(Connection connection, List<Relation> tables) throws SQLException {
        if (tables.isEmpty()) {
            return;
        }
        try (Statement st = connection.createStatement()) {
            st.execute("SET lock_timeout = " + options.lockTimeout().toMillis());
            String names = tables.stream().map(Relation::qualified).collect(Collectors.joining(", "));
            try {
                st.execute("LOCK TABLE " + names + " IN ACCESS SHARE MODE");
            } catch (SQLException e) {
                if ("55P03".equals(e.getSQLState())) {
                    throw new PgvaultException("could not lock the tables to back up within "
                            + options.lockTimeout().toSeconds() + "s: another session holds an exclusive lock"
                            + " (a migration or a long ALTER TABLE?); nothing was written", e);
                }
                throw e;
            }
            st.execute("SET lock_timeout = 0");
        }
    }

    /** quote_all_identifiers on or off for the session (while definitions are read, names are all quoted). */
    static void setQuoteAll(Connection connection, boolean on) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("SET quote_all_identifiers = " + (on ? "on" : "off"));
        }
    }

    private static String header(Snapshot snapshot) {
        return "--\n"
                + "-- pgvault " + Version.current() + " logical backup of database "
                + SqlText.commentSafe(snapshot.database()) + "\n"
                + "-- server PostgreSQL " + snapshot.serverVersion() + ", snapshot " + snapshot.time() + "\n"
                + "-- restore: psql -v ON_ERROR_STOP=1 [--single-transaction] -f <this file> <empty database>\n"
                + "--\n\n"
                + "SET statement_timeout = 0;\n"
                + "SET lock_timeout = 0;\n"
                + "SET idle_in_transaction_session_timeout = 0;\n"
                + "SET client_encoding = 'UTF8';\n"
                + "SET standard_conforming_strings = on;\n"
                + "SELECT pg_catalog.set_config('search_path', '', false);\n"
                + "SET check_function_bodies = false;\n"
                + "SET xmloption = content;\n"
                + "SET client_min_messages = warning;\n"
                + "SET row_security = off;\n"
                + "SET default_tablespace = '';\n"
                + "SET default_table_access_method = heap;\n";
    }

    private static void writeText(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            if (!connection.isClosed()) {
                connection.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is likely gone; the transaction went with it
        }
    }

    /** The transaction's view of the server. */
    record Snapshot(String database, String serverVersion, int serverVersionNum, Instant time) {
        static Snapshot read(Connection connection) throws SQLException {
            try (Statement st = connection.createStatement();
                    ResultSet rs = st.executeQuery("SELECT current_database(), current_setting('server_version'),"
                            + " current_setting('server_version_num')::int, now()")) {
                rs.next();
                return new Snapshot(rs.getString(1), rs.getString(2), rs.getInt(3),
                        rs.getTimestamp(4).toInstant());
            }
        }
    }
}
