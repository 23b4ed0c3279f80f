package dev.pgvault.restore;

import dev.pgvault.dump.DatabaseErrors;
import dev.pgvault.dump.Dumper;
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

/**
 * Applies a plain SQL script — ours, or one written by {@code pg_dump} 13 to 18 — over JDBC,
 * as {@code psql -v ON_ERROR_STOP=1} would: statement by statement, COPY data streamed
 * through. It runs inside the caller's transaction and never commits; the caller commits
 * only when everything, checks included, succeeded, so a failed restore changes nothing.
 */
public final class ScriptApplier {
    private static final Pattern COPY_FROM_STDIN = Pattern.compile(
            "(?is)^COPY\\s+(.+?)\\s+FROM\\s+stdin\\b.*");
    private static final Pattern SET_CLIENT_ENCODING = Pattern.compile(
            "(?is)^SET\\s+client_encoding\\s*(?:=|TO)\\s*'?([A-Za-z0-9_-]+)'?\\s*;?$");
    private static final Pattern SET_STANDARD_STRINGS = Pattern.compile(
            "(?is)^SET\\s+standard_conforming_strings\\s*(?:=|TO)\\s*'?(on|off)'?\\s*;?$");
    private static final Pattern SET_ANY = Pattern.compile("(?is)^SET\\s+\\w+\\s*(?:=|TO)\\s.*");
    private static final Pattern TRANSACTION_CONTROL = Pattern.compile(
            "(?is)^(BEGIN|START\\s+TRANSACTION|COMMIT|END|ROLLBACK)(\\s+(WORK|TRANSACTION))?\\s*;?$");
    private static final String PG_DUMP_HEADER = "-- PostgreSQL database dump";
    private static final String PG_DUMP_COMPLETE = "-- PostgreSQL database dump complete";
    private static final String PGVAULT_HEADER = "-- pgvault";

    /** Told as the restore goes on. */
    public interface Progress {
        default void tableLoaded(String table, long rows) {}

        Progress NONE = new Progress() {};
    }

    /** What was applied. {@code producer} is "pgvault", "pg_dump" or "unknown". */
    public record Outcome(long statements, long tables, long rows, String producer) {}

    private ScriptApplier() {}

    public static Outcome apply(InputStream script, Connection connection, Progress progress) {
        ScriptReader reader = new ScriptReader(script);
        long statements = 0;
        long tables = 0;
        long rows = 0;
        ScriptReader.Element element = null;
        try (Statement statement = connection.createStatement()) {
            statement.setEscapeProcessing(false);
            while ((element = reader.next()) != null) {
                if (element.metaCommand()) {
                    metaCommand(element);
                    continue;
                }
                String sql = element.text();
                Matcher copy = COPY_FROM_STDIN.matcher(sql);
                if (copy.matches()) {
                    long loaded = copy(connection, sql, reader);
                    rows += loaded;
                    tables++;
                    progress.tableLoaded(copy.group(1), loaded);
                } else if (!handledLocally(sql, reader)) {
                    execute(connection, statement, sql);
                }
                statements++;
            }
        } catch (SQLException e) {
            throw new RestoreFailedException(at(element, reader) + ": " + DatabaseErrors.describe(e)
                    + "; the restore was rolled back", e);
        } catch (IOException e) {
            throw new RestoreFailedException(at(element, reader) + ": could not read the backup: " + e.getMessage()
                    + "; the restore was rolled back", e);
        }
        String producer = producer(reader.firstComment());
        checkComplete(producer, reader.lastComment());
        return new Outcome(statements, tables, rows, producer);
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

    /** Statements that configure how the script itself is read, or that would break the single transaction. */
    private static boolean handledLocally(String sql, ScriptReader reader) {
        if (TRANSACTION_CONTROL.matcher(sql).matches()) {
            return true; // the whole restore is one transaction already
        }
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

    private static void execute(Connection connection, Statement statement, String sql) throws SQLException {
        if (!SET_ANY.matcher(sql).matches()) {
            statement.execute(sql);
            return;
        }
        // A newer pg_dump sets parameters an older server lacks (transaction_timeout in 17):
        // psql would stop there; a parameter the server does not know cannot matter to it.
        Savepoint savepoint = connection.setSavepoint();
        try {
            statement.execute(sql);
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            if (!"42704".equals(e.getSQLState())) {
                throw e;
            }
            connection.rollback(savepoint);
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

    private static String at(ScriptReader.Element element, ScriptReader reader) {
        if (element == null) {
            return "at line " + reader.line();
        }
        String first = element.text().lines().findFirst().orElse("");
        if (first.length() > 100) {
            first = first.substring(0, 100) + "...";
        }
        return "at line " + element.line() + " (" + first + ")";
    }
}
