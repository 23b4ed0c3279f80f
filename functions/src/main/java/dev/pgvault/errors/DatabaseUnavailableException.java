package dev.pgvault.errors;

/**
 * The database could not be reached or logged into: unknown host, refused or timed-out
 * connection, wrong password, a database that does not exist, TLS refused. The message
 * names the server and what the server or network said; never a password.
 */
public class DatabaseUnavailableException extends PgvaultException {
    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
