package dev.pgvault.cli;

import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.errors.DatabaseUnavailableException;
import dev.pgvault.run.Cancellation;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Opens the connections the CLI itself holds (the backup's source, the restore's target):
 * a failure to connect becomes one line naming the server and what it said, and a
 * cancellation (Ctrl-C, SIGTERM) closes the connection at once, which wakes the thread using
 * it; the server then rolls back whatever that connection had started.
 */
final class Connections {
    private Connections() {}

    static Connection open(DatabaseTarget target, Cancellation cancellation) {
        Connection connection;
        try {
            connection = target.connect();
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("could not connect to " + target + ": " + describe(e, target), e);
        }
        cancellation.onCancel(() -> abort(connection));
        return connection;
    }

    /** What the server or the network said, in one line; never the password (pgjdbc never shows it). */
    static String describe(SQLException e, DatabaseTarget target) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return "unknown host " + target.host();
            }
            if (t instanceof SocketTimeoutException) {
                return "no answer from " + target.host() + ":" + target.port() + " (timed out)";
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return "nothing accepts connections at " + target.host() + ":" + target.port() + " ("
                        + t.getMessage() + ")";
            }
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline).strip() : message;
    }

    private static void abort(Connection connection) {
        try {
            connection.abort(Runnable::run); // pgjdbc: closes the socket now, without waiting for the user's lock
        } catch (SQLException ignored) {
            // already closed
        }
    }
}
