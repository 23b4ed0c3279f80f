package dev.pgvault.run;

import java.sql.Connection;
import java.sql.SQLException;

/** Ending a database connection from another thread: how a cancellation stops what runs on it. */
public final class ConnectionAbort {
    private ConnectionAbort() {}

    /**
     * Closes the connection's socket now (pgjdbc's {@code abort}), without waiting for the statement
     * or lock it waits on: whoever uses it fails at once, and the server rolls its transaction back.
     * A connection already closed is left as it is; the run reports its own failure.
     */
    public static void quietly(Connection connection) {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException ignored) {
            // already closed, or going anyway
        }
    }
}
