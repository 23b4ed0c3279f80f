package dev.pgvault.errors;

/** A stored backup ends before its last byte: an interrupted upload or copy, or a cut-off download. */
public class TruncatedBackupException extends IntegrityException {
    public TruncatedBackupException(String message) {
        super(message);
    }

    public TruncatedBackupException(String message, Throwable cause) {
        super(message, cause);
    }
}
