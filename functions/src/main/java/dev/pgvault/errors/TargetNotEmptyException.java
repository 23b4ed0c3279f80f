package dev.pgvault.errors;

/** A restore was asked to write into a database that already holds objects; nothing was changed. */
public class TargetNotEmptyException extends PgvaultException {
    public TargetNotEmptyException(String message) {
        super(message);
    }
}
