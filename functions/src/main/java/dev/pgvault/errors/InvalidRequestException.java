package dev.pgvault.errors;

/** An event or command that cannot be carried out as asked (missing field, bad value); nothing was changed. */
public class InvalidRequestException extends PgvaultException {
    public InvalidRequestException(String message) {
        super(message);
    }
}
