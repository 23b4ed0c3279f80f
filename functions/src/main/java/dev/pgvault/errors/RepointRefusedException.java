package dev.pgvault.errors;

/**
 * Repoint refused before changing anything: the new database could not be reached or logged
 * into with the application's own URL, or the secret is managed by a controller (External
 * Secrets, Sealed Secrets, Argo CD, an owner) that would revert a change. The secret and the
 * deployment are as they were; the message says why and where to act. The point-in-time state
 * machine catches this by name and reports it without a rollback.
 */
public class RepointRefusedException extends PgvaultException {
    public RepointRefusedException(String message) {
        super(message);
    }
}
