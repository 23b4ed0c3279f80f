package dev.pgvault.errors;

/**
 * A stored backup is not what was written: it fails an integrity check (MAC, OpenPGP integrity
 * packet, header, length), or carries no integrity protection at all. Nothing read from it may be
 * kept. Subclasses name the more precise cause where it can be told ({@link TamperedBackupException},
 * {@link TruncatedBackupException}); Step Functions matches each class name exactly.
 */
public class IntegrityException extends PgvaultException {
    public IntegrityException(String message) {
        super(message);
    }

    public IntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
