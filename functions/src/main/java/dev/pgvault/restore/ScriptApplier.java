package dev.pgvault.restore;

import dev.pgvault.dump.Dumper;
import dev.pgvault.errors.ForbiddenStatementException;
import dev.pgvault.errors.RestoreFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.BaseStatement;
import org.postgresql.core.CachedQuery;
import org.postgresql.core.TransactionState;
import org.postgresql.jdbc.PreferQueryMode;

/**
 * Applies a plain SQL script — ours, or one written by {@code pg_dump} 13 to 18 — over JDBC,
 * as {@code psql -v ON_ERROR_STOP=1} would: statement by statement, COPY data streamed
 * through. It runs inside the caller's transaction and never commits; the caller commits
 * only when everything, checks included, succeeded, so a failed restore changes nothing.
 *
 * <p>Each statement is checked before it is sent ({@link StatementPolicy}: no transaction
 * control in any script, and only what pgvault writes in a pgvault script), is sent as exactly
 * one statement, and must leave the transaction open. Errors name the script line and keep row
 * values out unless asked ({@link RestoreErrors}).
 */
public final class ScriptApplier {
    private static final Pattern COPY_FROM_STDIN = Pattern.compile(
            "(?is)^COPY\\s+(.+?)\\s+FROM\\s+stdin\\b.*");
    private static final Pattern SET_CLIENT_ENCODING = Pattern.compile(
            "(?is)^SET\\s+client_encoding\\s*(?:=|TO)\\s*'?([A-Za-z0-9_-]+)'?\\s*;?$");
    private static final Pattern SET_STANDARD_STRINGS = Pattern.compile(
            "(?is)^SET\\s+standard_conforming_strings\\s*(?:=|TO)\\s*'?(on|off)'?\\s*;?$");
    private static final Pattern SET_ANY = Pattern.compile("(?is)^SET\\s+\\w+\\s*(?:=|TO)\\s.*");
    /** A large object's descriptor lives until its transaction ends: no commit between lo_open and lo_close. */
    private static final Pattern LO_OPEN = Pattern.compile("(?is)^SELECT\\s+(?:pg_catalog\\.)?lo_open\\s*\\(.*");
    private static final Pattern LO_CLOSE = Pattern.compile("(?is)^SELECT\\s+(?:pg_catalog\\.)?lo_close\\s*\\(.*");
    /** A session-level SET or RESET (not SET LOCAL, TRANSACTION or CONSTRAINTS): group 1 names the parameter. */
    private static final Pattern SESSION_SETTING = Pattern.compile(
            "(?is)^(?:SET\\s+(?:SESSION\\s+)?(?!LOCAL\\b|TRANSACTION\\b|CONSTRAINTS\\b|CHARACTERISTICS\\b)|RESET\\s+)(\\w+).*");
    private static final Pattern SET_CONFIG = Pattern.compile(
            "(?is)^SELECT\\s+(?:pg_catalog\\.)?set_config\\s*\\(\\s*'([^']+)'\\s*,.*,\\s*false\\s*\\)\\s*;?$");
    private static final Pattern SETVAL = Pattern.compile("(?is)^SELECT\\s+(?:pg_catalog\\.)?setval\\s*\\(.*");
    private static final String PG_DUMP_HEADER = "-- PostgreSQL database dump";
    private static final String PG_DUMP_COMPLETE = "-- PostgreSQL database dump complete";
    private static final String PGVAULT_HEADER = "-- pgvault";

    /** Told as the restore goes on. */
    public interface Progress {
        default void tableLoaded(String table, long rows) {}

        /** A line for the operator: what the preflight read, what a non-atomic restore did. */
        default void note(String message) {}

        Progress NONE = new Progress() {};
    }

    /** Where a script comes from, which decides what it may hold (see {@link StatementPolicy}). */
    public enum Origin {
        /**
         * A backup from a pgvault repository: its manifest says pgvault wrote it, so the script
         * must start with pgvault's header and hold only statements pgvault writes.
         */
        PGVAULT_BACKUP,
        /**
         * A script file, pg_dump's or pgvault's or anyone's: everything but transaction control,
         * unless its header says pgvault wrote it, which brings pgvault's rules too.
         */
        SCRIPT
    }

    /** What was applied. {@code producer} is "pgvault", "pg_dump" or "unknown". */
    public record Outcome(long statements, long tables, long rows, String producer) {}

    private ScriptApplier() {}

    /** Applies a script file (origin {@link Origin#SCRIPT}), with row values kept out of error messages. */
    public static Outcome apply(InputStream script, Connection connection, Progress progress) {
        return apply(script, connection, progress, Origin.SCRIPT, false);
    }

    /**
     * Applies a script inside the connection's transaction (the caller commits). With autocommit
     * off, as for every restore, each statement is checked to have left that transaction open.
     *
     * @param showRowData keep the server's DETAIL and CONTEXT (which hold row values) in error messages
     */
    public static Outcome apply(InputStream script, Connection connection, Progress progress, Origin origin,
                                boolean showRowData) {
        return apply(script, connection, progress, origin, showRowData, 0);
    }

    /**
     * {@link #apply(InputStream, Connection, Progress, Origin, boolean)} that commits as it goes, for
     * a restore into a database of its own that is dropped if anything fails: after each table's
     * COPY and every {@code commitEvery} statements (never while a large object is open), so that
     * no transaction holds more locks than the server's lock table has room for. 0 commits nothing.
     */
    public static Outcome apply(InputStream script, Connection connection, Progress progress, Origin origin,
                                boolean showRowData, int commitEvery) {
        return apply(script, connection, progress, origin, showRowData, commitEvery, null);
    }

    /**
     * As {@link #apply(InputStream, Connection, Progress, Origin, boolean, int)}, with table data and
     * the post-data statements that may run side by side ({@link ParallelStatement}) handed to
     * {@code pool}'s connections; everything else runs on {@code connection}, in order, once the
     * work handed out before it is done. Only for a database of the restore's own, committed as it
     * goes ({@code commitEvery > 0}): the pool's connections see only what was committed.
     */
    static Outcome apply(InputStream script, Connection connection, Progress progress, Origin origin,
                         boolean showRowData, int commitEvery, LoadPool pool) {
        if (pool != null && commitEvery <= 0) {
            throw new IllegalArgumentException("a parallel restore commits as it goes");
        }
        ScriptReader reader = new ScriptReader(script);
        StatementPolicy policy = new StatementPolicy(origin == Origin.PGVAULT_BACKUP);
        long statements = 0;
        long tables = 0;
        long rows = 0;
        ScriptReader.Element element = null;
        int copyDataLine = -1;
        int sinceCommit = 0;
        boolean largeObjectOpen = false;
        try (Statement statement = connection.createStatement()) {
            Session session = Session.of(connection, statement);
            statement.setEscapeProcessing(false);
            while ((element = reader.next()) != null) {
                copyDataLine = -1;
                if (element.metaCommand()) {
                    metaCommand(element);
                    continue;
                }
                String sql = element.text();
                policy.start(producer(reader.firstComment()), element.line());
                if (policy.check(sql, element.line(), reader.standardConformingStrings())
                        == StatementPolicy.Verdict.SKIP) {
                    statements++;
                    continue;
                }
                Matcher copy = COPY_FROM_STDIN.matcher(sql);
                boolean copied = copy.matches();
                if (copied) {
                    session.requireOneStatement(sql, element);
                    copyDataLine = reader.line();
                    tables++;
                    String target = pool == null ? null
                            : ParallelStatement.copyTarget(sql, reader.standardConformingStrings());
                    if (target != null && reader.charset().equals(StandardCharsets.UTF_8)) {
                        commit(connection, pool); // the table, for the pool's connections to see
                        pool.readerBusy(); // a row longer than a chunk goes through this connection
                        copyInChunks(pool, connection, sql, target, copy.group(1), element.line(), copyDataLine,
                                reader);
                    } else {
                        awaitPool(pool);
                        long loaded = copy(connection, sql, reader);
                        session.requireOpenTransaction(element);
                        rows += loaded;
                        progress.tableLoaded(copy.group(1), loaded);
                    }
                } else if (!handledLocally(sql, reader)) {
                    ParallelStatement parallel = pool == null ? null
                            : ParallelStatement.classify(sql, reader.standardConformingStrings());
                    if (parallel != null) {
                        commit(connection, pool); // what it builds on, for the pool's connections to see
                        pool.statement(parallel, sql, element.line());
                    } else {
                        String setting = pool == null ? null : sessionSetting(sql);
                        if (pool != null) {
                            // Settings and a sequence's value need nothing the pool may still be loading.
                            if (setting == null && !SETVAL.matcher(sql).matches()) {
                                pool.awaitIdle();
                            }
                            pool.readerBusy();
                        }
                        execute(session, sql, element);
                        session.requireOpenTransaction(element);
                        if (setting != null) {
                            pool.setting(setting, sql); // for the pool's connections before their next work
                        }
                    }
                }
                if (pool != null) {
                    rows += told(pool, progress);
                }
                statements++;
                if (commitEvery > 0) {
                    largeObjectOpen = LO_OPEN.matcher(sql).matches() || largeObjectOpen && !LO_CLOSE.matcher(sql).matches();
                    if (!largeObjectOpen && (copied || ++sinceCommit >= commitEvery)) {
                        commit(connection, pool);
                        sinceCommit = 0;
                    }
                }
            }
            if (pool != null) {
                pool.awaitIdle();
                rows += told(pool, progress);
            }
            policy.finish(reader.line());
        } catch (LoadPool.WorkFailedException e) {
            throw failure(e.origin, e.error, showRowData);
        } catch (CopyChunker.CopyFailedException e) {
            throw failure(e.origin, e.error, showRowData);
        } catch (SQLException e) {
            throw failure(element, reader, e, showRowData, copyDataLine);
        } catch (IOException e) {
            SQLException database = RestoreErrors.sqlCause(e);
            if (database != null) {
                throw failure(element, reader, database, showRowData, copyDataLine);
            }
            throw new RestoreFailedException(at(element, reader, showRowData) + ": could not read the backup: "
                    + e.getMessage() + "; the restore was rolled back", e);
        }
        String producer = policy.producer();
        checkComplete(producer, reader.lastComment());
        return new Outcome(statements, tables, rows, producer);
    }

    /** A failure of work a parallel restore handed out, named by where it came from in the script. */
    private static RestoreFailedException failure(LoadPool.Origin origin, SQLException e, boolean showRowData) {
        RestoreErrors.Described described = RestoreErrors.describe(e, showRowData, origin.sql(), origin.line(),
                origin.copyDataLine(), origin.rowsBefore());
        if (origin.line() <= 0) { // the comparison of a loaded table, not a statement of the script
            return new RestoreFailedException(described.message() + "; the restore was rolled back", described.cause());
        }
        String what = StatementPolicy.label(new SqlTokens(origin.sql(), true));
        return new RestoreFailedException("at line " + origin.line() + " (" + what + "): " + described.message()
                + "; the restore was rolled back", described.cause());
    }

    /** A table's rows, in chunks over the pool's connections; told to {@code progress} once all are in. */
    private static void copyInChunks(LoadPool pool, Connection connection, String sql, String table, String label,
                                     int line, int copyDataLine, ScriptReader reader) throws IOException {
        CopyChunker chunker = new CopyChunker(pool, pool.startTable(table, label), sql, line, copyDataLine, connection);
        try {
            reader.copyData(chunker);
            chunker.close();
        } catch (IOException | RuntimeException e) {
            chunker.abort();
            throw e;
        }
    }

    /** Waits for the pool's work to end, before this connection runs something alone. */
    private static void awaitPool(LoadPool pool) {
        if (pool != null) {
            pool.awaitIdle();
            pool.readerBusy();
        }
    }

    private static void commit(Connection connection, LoadPool pool) throws SQLException {
        connection.commit();
        if (pool != null) {
            pool.readerCommitted();
        }
    }

    /** Tells the tables whose data is all in; their rows. */
    private static long told(LoadPool pool, Progress progress) {
        long[] rows = {0};
        pool.drainLoaded((table, loaded) -> {
            rows[0] += loaded;
            progress.tableLoaded(table, loaded);
        });
        return rows[0];
    }

    /** The parameter a session-level SET, RESET or {@code set_config(..., false)} sets, lower-cased; else null. */
    private static String sessionSetting(String sql) {
        Matcher setting = SESSION_SETTING.matcher(sql);
        if (setting.matches()) {
            return setting.group(1).toLowerCase(java.util.Locale.ROOT);
        }
        Matcher config = SET_CONFIG.matcher(sql);
        return config.matches() ? config.group(1).toLowerCase(java.util.Locale.ROOT) : null;
    }

    private static RestoreFailedException failure(ScriptReader.Element element, ScriptReader reader, SQLException e,
                                                  boolean showRowData, int copyDataLine) {
        RestoreErrors.Described described = RestoreErrors.describe(e, showRowData,
                element == null ? null : element.text(), element == null ? reader.line() : element.line(),
                copyDataLine);
        return new RestoreFailedException(at(element, reader, showRowData) + ": " + described.message()
                + "; the restore was rolled back", described.cause());
    }

    /**
     * The connection a script is applied on, and the checks that keep each statement inside the
     * restore's one transaction.
     *
     * <p>One element of the script must reach the server as one statement: the driver splits a
     * string at semicolons by its own reading, and the server runs every statement of a
     * simple-protocol query. So a statement the driver would split is refused, and the extended
     * protocol is required, in which the server itself refuses a string that holds a second
     * statement ("cannot insert multiple commands into a prepared statement").
     *
     * <p>After each statement, the driver's view of the transaction (from the server's
     * ReadyForQuery message, so no round trip) must still be "open": anything that committed or
     * rolled back the restore's transaction stops the restore before another statement runs.
     */
    private static final class Session {
        private final BaseConnection connection;
        private final BaseStatement statement;
        private final boolean inTransaction;

        private Session(BaseConnection connection, BaseStatement statement, boolean inTransaction) {
            this.connection = connection;
            this.statement = statement;
            this.inTransaction = inTransaction;
        }

        static Session of(Connection connection, Statement statement) throws SQLException {
            BaseConnection base = connection.unwrap(BaseConnection.class);
            PreferQueryMode mode = base.getPreferQueryMode();
            if (mode.compareTo(PreferQueryMode.EXTENDED) < 0) {
                throw new RestoreFailedException("the target connection uses preferQueryMode=" + mode.value()
                        + ", in which the server runs every statement hidden in one string; a restore needs the"
                        + " extended protocol (remove preferQueryMode from the database URL); nothing was restored");
            }
            return new Session(base, statement.unwrap(BaseStatement.class), !connection.getAutoCommit());
        }

        /** The driver's parse of the statement, refused if it would send more than one. */
        CachedQuery single(String sql, ScriptReader.Element element) throws SQLException {
            CachedQuery query = connection.createQuery(sql, false, false);
            if (query.query.getSubqueries() != null) {
                String kind = StatementPolicy.label(new SqlTokens(sql, connection.getStandardConformingStrings()));
                throw new ForbiddenStatementException("more than one statement", element.line(), "line "
                        + element.line() + ": the statement starting here (" + kind + ") holds "
                        + query.query.getSubqueries().length + " statements as the database driver reads it: the"
                        + " script hides statements where a restore does not look; nothing was restored");
            }
            return query;
        }

        void requireOneStatement(String sql, ScriptReader.Element element) throws SQLException {
            single(sql, element);
        }

        void execute(String sql, ScriptReader.Element element) throws SQLException {
            statement.executeWithFlags(single(sql, element), 0);
        }

        void requireOpenTransaction(ScriptReader.Element element) {
            if (!inTransaction) {
                return; // autocommit: the caller asked for no transaction
            }
            TransactionState state = connection.getTransactionState();
            if (state != TransactionState.OPEN) {
                throw new RestoreFailedException("line " + element.line() + ": after "
                        + StatementPolicy.label(new SqlTokens(element.text(), true)) + " the restore's transaction"
                        + " is no longer open (" + state.name().toLowerCase(java.util.Locale.ROOT) + "):"
                        + " something in the script ended it; the restore was stopped and rolled back");
            }
        }
    }

    private static void metaCommand(ScriptReader.Element element) {
        String command = element.text().split("\\s+", 2)[0];
        switch (command) {
            // pg_dump 13.22+/17.6+ fence the script against psql meta-command injection; nothing to do here.
            case "\\restrict", "\\unrestrict" -> { }
            case "\\connect", "\\c" -> throw new RestoreFailedException("line " + element.line()
                    + ": the script switches databases (\\connect), so it holds more than one database"
                    + " (pg_dumpall, or pg_dump --create); restore a single database's dump");
            default -> throw new RestoreFailedException("line " + element.line() + ": psql meta-command "
                    + command + " is not supported in a restore script");
        }
    }

    /** Statements that configure how the script itself is read. */
    private static boolean handledLocally(String sql, ScriptReader reader) {
        Matcher encoding = SET_CLIENT_ENCODING.matcher(sql);
        if (encoding.matches()) {
            // The driver speaks UTF-8; we decode the script's bytes ourselves instead.
            reader.charset(PostgresEncodings.charset(encoding.group(1)));
            return true;
        }
        Matcher strings = SET_STANDARD_STRINGS.matcher(sql);
        if (strings.matches()) {
            reader.standardConformingStrings(strings.group(1).equalsIgnoreCase("on"));
        }
        return false;
    }

    private static void execute(Session session, String sql, ScriptReader.Element element) throws SQLException {
        if (!SET_ANY.matcher(sql).matches()) {
            session.execute(sql, element);
            return;
        }
        // A newer pg_dump sets parameters an older server lacks (transaction_timeout in 17):
        // psql would stop there; a parameter the server does not know cannot matter to it.
        Savepoint savepoint = session.connection.setSavepoint();
        try {
            session.execute(sql, element);
            session.connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (!"42704".equals(e.getSQLState())) {
                throw e;
            }
            session.connection.rollback(savepoint);
        }
    }

    private static long copy(Connection connection, String sql, ScriptReader reader) throws SQLException, IOException {
        PGCopyOutputStream copy = new PGCopyOutputStream(connection.unwrap(PGConnection.class), sql, 1 << 16);
        try {
            if (reader.charset().equals(StandardCharsets.UTF_8)) {
                reader.copyData(copy);
            } else {
                transcode(reader, copy);
            }
            copy.flush();
            return copy.endCopy();
        } finally {
            if (copy.isActive()) {
                try {
                    copy.cancelCopy();
                } catch (SQLException ignored) {
                    // the original failure is the one to report
                }
            }
        }
    }

    /** COPY rows in another encoding, re-encoded to the driver's UTF-8 on the fly. */
    private static void transcode(ScriptReader reader, OutputStream copy) throws IOException {
        Charset source = reader.charset();
        Writer utf8 = new OutputStreamWriter(new java.io.FilterOutputStream(copy) {
            @Override
            public void close() throws IOException {
                flush();
            }
        }, StandardCharsets.UTF_8);
        ByteSink sink = new ByteSink(source, utf8);
        reader.copyData(sink);
        sink.close();
        utf8.close();
    }

    /** Decodes bytes in one charset and writes the characters to a writer, keeping partial sequences. */
    private static final class ByteSink extends OutputStream {
        private final java.nio.charset.CharsetDecoder decoder;
        private final Writer writer;
        private final java.nio.ByteBuffer pending = java.nio.ByteBuffer.allocate(1 << 16);
        private final java.nio.CharBuffer chars = java.nio.CharBuffer.allocate(1 << 16);

        ByteSink(Charset charset, Writer writer) {
            this.decoder = charset.newDecoder();
            this.writer = writer;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, pending.remaining());
                pending.put(b, off, n);
                off += n;
                len -= n;
                drain(false);
            }
        }

        @Override
        public void close() throws IOException {
            drain(true);
        }

        private void drain(boolean end) throws IOException {
            pending.flip();
            while (true) {
                var result = decoder.decode(pending, chars, end);
                chars.flip();
                writer.write(chars.array(), chars.position(), chars.remaining());
                chars.clear();
                if (result.isError()) {
                    throw new IOException("the script's COPY data is not valid " + decoder.charset());
                }
                if (result.isUnderflow()) {
                    break;
                }
            }
            pending.compact();
        }
    }

    private static String producer(String firstComment) {
        if (firstComment == null) {
            return "unknown";
        }
        if (firstComment.startsWith(PGVAULT_HEADER)) {
            return "pgvault";
        }
        if (firstComment.startsWith(PG_DUMP_HEADER)) {
            return "pg_dump";
        }
        return "unknown";
    }

    /** A script from a known producer must end with its completion line; otherwise it was cut short. */
    private static void checkComplete(String producer, String lastComment) {
        String expected = switch (producer) {
            case "pgvault" -> Dumper.COMPLETION_MARKER;
            case "pg_dump" -> PG_DUMP_COMPLETE;
            default -> null;
        };
        if (expected != null && !expected.equals(lastComment)) {
            throw new RestoreFailedException("the " + producer + " script ends without its completion line ('"
                    + expected + "'): it is truncated; the restore was rolled back");
        }
    }

    /** Where a failure happened: the statement's line and kind (its first 100 characters with showRowData). */
    private static String at(ScriptReader.Element element, ScriptReader reader, boolean showRowData) {
        if (element == null) {
            return "at line " + reader.line();
        }
        String what;
        if (showRowData || element.metaCommand()) {
            what = element.text().lines().findFirst().orElse("");
            if (what.length() > 100) {
                what = what.substring(0, 100) + "...";
            }
        } else {
            what = StatementPolicy.label(new SqlTokens(element.text(), reader.standardConformingStrings()));
        }
        return "at line " + element.line() + " (" + what + ")";
    }
}
