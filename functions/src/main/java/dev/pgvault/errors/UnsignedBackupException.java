package dev.pgvault.errors;

/**
 * A backup carries no manifest signature (written by pg_dump, by a pgvault before signatures,
 * or planted by someone who could write to the repository but not sign). Refused unless the
 * restore is told {@code --allow-unsigned}.
 */
public class UnsignedBackupException extends IntegrityException {
    public UnsignedBackupException(String message) {
        super(message);
    }
}
