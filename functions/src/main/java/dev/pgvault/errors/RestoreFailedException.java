package dev.pgvault.errors;

/** A restore failed and was rolled back: the target database is as it was. */
public class RestoreFailedException extends PgvaultException {
    public RestoreFailedException(String message) {
        super(message);
    }

    public RestoreFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
