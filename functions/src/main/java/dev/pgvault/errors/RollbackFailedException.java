package dev.pgvault.errors;

/**
 * Repoint failed and putting the previous value back failed too: the application may be left
 * pointing at the new database or mid-rollout. Needs a person; the state machine tries its own
 * rollback once more and then raises the alarm.
 */
public class RollbackFailedException extends PgvaultException {
    public RollbackFailedException(String message) {
        super(message);
    }
}
