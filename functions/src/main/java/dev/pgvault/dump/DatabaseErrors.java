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

    /**
     * Why a connection to {@code host}:{@code port} could not be opened, in one line: the network's
     * answer in plain words, else what the server said (first line). Never a password: neither
     * pgjdbc nor the server puts one in a message.
     */
    public static String describeConnectionFailure(SQLException e, String host, int port) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.UnknownHostException) {
                return "unknown host " + host;
            }
            if (t instanceof java.net.SocketTimeoutException) {
                return "no answer from " + host + ":" + port + " (timed out)";
            }
            if (t instanceof java.net.ConnectException || t instanceof java.net.NoRouteToHostException) {
                return "nothing accepts connections at " + host + ":" + port + " (" + t.getMessage() + ")";
            }
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline).strip() : message;
    }
}
