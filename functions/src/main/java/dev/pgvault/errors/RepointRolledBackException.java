package dev.pgvault.errors;

/**
 * Repoint failed (rollout or health check) and was undone: the secret holds its previous value
 * again and the deployment rolled out with it. The application is as it was before the attempt.
 * The point-in-time state machine catches this by name and reports the failure without a
 * second rollback.
 */
public class RepointRolledBackException extends PgvaultException {
    public RepointRolledBackException(String message) {
        super(message);
    }
}
