package dev.pgvault.errors;

/**
 * Root of pgvault's named exceptions.
 *
 * <p>Step Functions matches {@code ErrorEquals} against the fully qualified class name a
 * Java Lambda throws, so these classes are part of the public contract: keep their names
 * and packages stable. Messages name what was wrong and never carry a secret.
 */
public class PgvaultException extends RuntimeException {
    public PgvaultException(String message) {
        super(message);
    }

    public PgvaultException(String message, Throwable cause) {
        super(message, cause);
    }
}
