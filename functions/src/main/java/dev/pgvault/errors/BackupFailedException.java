package dev.pgvault.errors;

/** A backup run failed; nothing was left under the backup's key. The message says where and why. */
public class BackupFailedException extends PgvaultException {
    public BackupFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
