package dev.pgvault.errors;

/** A backup object is damaged or was altered: its bytes do not match what the manifest recorded. */
public class IntegrityException extends PgvaultException {
    public IntegrityException(String message) {
        super(message);
    }
}
