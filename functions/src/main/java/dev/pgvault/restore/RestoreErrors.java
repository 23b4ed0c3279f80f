package dev.pgvault.restore;

import dev.pgvault.dump.DatabaseErrors;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * The server's errors during a restore, told without the rows' values unless asked.
 *
 * <p>PostgreSQL puts row values in an error's DETAIL ("Key (email)=(alice@example.com) already
 * exists", "Failing row contains (...)"), in its CONTEXT ("COPY users, line 3: "1 alice@..."")
 * and, for data exceptions (SQLSTATE class 22), in the primary message itself ("invalid input
 * syntax for type integer: "alice@example.com""). Restored databases hold personal data, and
 * these messages reach terminals, logs and notices. By default a message keeps the primary text
 * (with a data exception's quoted input hidden), the SQLSTATE, the table, column and constraint
 * the server names, and where in the script it happened (for COPY, the data line); the
 * driver's own exception, whose text carries all of it, is replaced by one with that text only.
 * With {@code showRowData} (the CLI's {@code --debug}) everything the server said is kept.
 */
final class RestoreErrors {
    /** "COPY users, line 3" / "COPY users, line 3, column email: ..." in an error's CONTEXT. */
    private static final Pattern COPY_CONTEXT = Pattern.compile("(?m)^COPY ([^,]+), line (\\d+)(?:, column ([^:]+))?");

    private RestoreErrors() {}

    /** A database failure: the message to show and the cause to attach. */
    record Described(String message, SQLException cause) {}

    /**
     * @param at              "at line 12 (CREATE TABLE public.t)": where the failing statement starts
     * @param statement       the statement's text, to place the server's error position on a line
     * @param statementLine   the script line the statement starts on
     * @param copyDataLine    for a COPY, the script line just before its first data line; else -1
     */
    static Described describe(SQLException e, boolean showRowData, String statement, int statementLine,
                              int copyDataLine) {
        return describe(e, showRowData, statement, statementLine, copyDataLine, 0);
    }

    /**
     * As {@link #describe(SQLException, boolean, String, int, int)}, for a COPY of part of a table's
     * data (a parallel restore's chunk), whose first line is the table's {@code rowsBefore + 1}th.
     */
    static Described describe(SQLException e, boolean showRowData, String statement, int statementLine,
                              int copyDataLine, long rowsBefore) {
        ServerErrorMessage server = e instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
        if (server == null || server.getMessage() == null) {
            // The driver's own failure (a lost connection, a closed stream): no row of the server's in it.
            return new Described(DatabaseErrors.describe(e), e);
        }
        String state = server.getSQLState();
        StringBuilder text = new StringBuilder();
        String where = server.getWhere();
        Matcher copy = where == null ? null : COPY_CONTEXT.matcher(where);
        if (copy != null && copy.find() && copyDataLine >= 0) {
            long dataLine = rowsBefore + Long.parseLong(copy.group(2));
            text.append("data line ").append(dataLine).append(" of the COPY (script line ")
                    .append(copyDataLine + dataLine).append(")");
            if (copy.group(3) != null) {
                text.append(", column ").append(copy.group(3));
            }
            text.append(": ");
        } else if (server.getPosition() > 0 && statement != null) {
            int line = statementLine + newlinesBefore(statement, server.getPosition() - 1);
            if (line != statementLine) {
                text.append("line ").append(line).append(": ");
            }
        }
        String primary = server.getMessage();
        if (!showRowData && state != null && state.startsWith("22")) {
            primary = hideQuoted(primary);
        }
        text.append(primary);
        if (state != null) {
            text.append(" [SQLSTATE ").append(state).append("]");
        }
        if (showRowData) {
            append(text, "detail", server.getDetail());
            append(text, "hint", server.getHint());
            append(text, "context", where);
            return new Described(text.toString(), e);
        }
        String names = names(server);
        if (!names.isEmpty()) {
            text.append(" (").append(names).append(")");
        }
        if (server.getDetail() != null || where != null || (state != null && state.startsWith("22"))) {
            text.append("; row values are not shown (--debug shows them)");
        }
        append(text, "hint", server.getHint());
        return new Described(text.toString(), sanitized(e, text.toString()));
    }

    /** The first SQLException in a cause chain (a COPY write fails as an IOException around one), or null. */
    static SQLException sqlCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String names(ServerErrorMessage server) {
        StringBuilder names = new StringBuilder();
        if (server.getTable() != null) {
            names.append("table ").append(server.getSchema() == null ? "" : server.getSchema() + ".")
                    .append(server.getTable());
        }
        if (server.getColumn() != null) {
            names.append(names.length() > 0 ? ", " : "").append("column ").append(server.getColumn());
        }
        if (server.getConstraint() != null) {
            names.append(names.length() > 0 ? ", " : "").append("constraint ").append(server.getConstraint());
        }
        return names.toString();
    }

    /** invalid input syntax for type integer: "alice@example.com" -> ... "…"; the value sits between quotes. */
    static String hideQuoted(String message) {
        int first = message.indexOf('"');
        int last = message.lastIndexOf('"');
        if (first < 0 || last <= first) {
            return message;
        }
        return message.substring(0, first) + "\"…\"" + message.substring(last + 1);
    }

    private static void append(StringBuilder text, String label, String value) {
        if (value != null && !value.isBlank()) {
            text.append("; ").append(label).append(": ").append(value.strip().replace('\n', ' '));
        }
    }

    private static int newlinesBefore(String text, int index) {
        int count = 0;
        for (int i = 0; i < Math.min(index, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                count++;
            }
        }
        return count;
    }

    /** The driver's exception with its text replaced: same SQLSTATE and stack, no row values. */
    private static SQLException sanitized(SQLException e, String text) {
        SQLException clean = new SQLException(text, e.getSQLState(), e.getErrorCode());
        clean.setStackTrace(e.getStackTrace());
        return clean;
    }
}
