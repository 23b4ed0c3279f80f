package dev.pgvault.errors;

/**
 * A stored backup's bytes were changed after it was written (by an attacker, a bad disk, a bad copy):
 * its MAC or OpenPGP integrity packet does not match, or its header is damaged.
 */
public class TamperedBackupException extends IntegrityException {
    public TamperedBackupException(String message) {
        super(message);
    }

    public TamperedBackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
