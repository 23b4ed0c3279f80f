package dev.pgvault.cli;

import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.dump.DatabaseErrors;
import dev.pgvault.errors.DatabaseUnavailableException;
import dev.pgvault.run.Cancellation;
import dev.pgvault.run.ConnectionAbort;
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

    /** Opens the connection and tells {@code terminal} once how it is protected (which TLS, or none and why). */
    static Connection open(DatabaseTarget target, Cancellation cancellation, Terminal terminal) {
        return open(target, cancellation, terminal, true);
    }

    /** {@code announce} false: no "connected to" line (another connection of the same run already said it). */
    static Connection open(DatabaseTarget target, Cancellation cancellation, Terminal terminal, boolean announce) {
        Connection connection;
        try {
            connection = target.connect(); // a failure to connect is already one line (DatabaseUnavailableException)
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("could not connect to " + target + ": "
                    + DatabaseErrors.describeConnectionFailure(e, target.host(), target.port()), e);
        }
        if (announce) {
            try {
                terminal.say("connected to " + target + ": " + target.negotiatedTls(connection).line());
            } catch (SQLException e) {
                terminal.say("connected to " + target + " (could not read its TLS status: " + e.getMessage() + ")");
            }
        }
        cancellation.onCancel(() -> ConnectionAbort.quietly(connection));
        return connection;
    }
}
