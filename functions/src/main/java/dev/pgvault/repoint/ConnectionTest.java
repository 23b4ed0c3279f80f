package dev.pgvault.repoint;

import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.errors.PgvaultException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Opens a session with the application's own URL (its user, password and parameters, the new
 * host, port and database) before repoint writes anything: a wrong password, a database that does
 * not exist on the restored instance, a security group that does not admit the caller, fail here
 * with the reason, and the application keeps its database.
 */
@FunctionalInterface
public interface ConnectionTest {
    /** Why no session could be opened, or null when one was (and answered SELECT 1). Never a secret. */
    String failure(DatabaseUrl url, String where);

    /** No test (a rollback to the endpoint the application used before, or a test's choice). */
    ConnectionTest NONE = (url, where) -> null;

    /** The real test, over JDBC with pgvault's TLS rules (see {@link DatabaseTarget}). */
    static ConnectionTest jdbc() {
        return (url, where) -> {
            DatabaseTarget target;
            try {
                target = DatabaseTarget.parseUrl(url.reveal(), where);
            } catch (PgvaultException e) {
                return e.getMessage();
            }
            try (Connection connection = target.connect(); Statement statement = connection.createStatement()) {
                statement.setQueryTimeout(10);
                statement.execute("SELECT 1");
                return null;
            } catch (PgvaultException e) {
                return e.getMessage();
            } catch (SQLException e) {
                return "could not use " + target + ": SQL state " + e.getSQLState() + ": " + e.getMessage();
            }
        };
    }
}
