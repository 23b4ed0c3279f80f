package dev.pgvault.dump;

import java.sql.SQLException;

/** Turns a driver exception into a one-line message an operator can act on (never with a password). */
public final class DatabaseErrors {
    private DatabaseErrors() {}

    public static String describe(SQLException e) {
        String state = e.getSQLState();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int newline = message.indexOf('\n');
        if (newline > 0) {
            message = message.substring(0, newline);
        }
        if (state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02"))) {
            return "lost the connection to the database (" + message + ")";
        }
        return message + (state == null ? "" : " [SQLSTATE " + state + "]");
    }

    /** Why a connection could not be opened, as the server or network said it (first line only). */
    public static String describeConnectionFailure(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int newline = message.indexOf('\n');
        if (newline > 0) {
            message = message.substring(0, newline);
        }
        Throwable cause = e.getCause();
        if (cause instanceof java.net.UnknownHostException) {
            return "unknown host " + cause.getMessage();
        }
        return message;
    }
}
