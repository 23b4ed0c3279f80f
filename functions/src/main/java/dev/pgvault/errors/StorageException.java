package dev.pgvault.errors;

/**
 * A backup store could not do what was asked. Whether trying again may help is the store's
 * answer ({@link #retryable()}), not the caller's guess: throttling, timeouts and 5xx are
 * retryable; missing buckets, denied access and failed preconditions are not.
 */
public class StorageException extends PgvaultException {
    private final boolean retryable;

    public StorageException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public boolean retryable() {
        return retryable;
    }
}
