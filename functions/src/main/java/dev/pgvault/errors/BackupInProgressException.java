package dev.pgvault.errors;

/** Another run is writing the same backup right now (its lock is held and not expired). */
public class BackupInProgressException extends PgvaultException {
    public BackupInProgressException(String message) {
        super(message);
    }
}
