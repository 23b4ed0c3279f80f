package dev.pgvault.errors;

/**
 * The secret already held the requested value when this repoint began (an earlier attempt wrote
 * it), but the application could not be brought onto it (rollout or health failed), and this
 * attempt has no earlier value of its own to put back. Whoever knows the previous endpoint (the
 * point-in-time state machine remembers it) must repoint back; the state machine does so.
 */
public class RepointIncompleteException extends PgvaultException {
    public RepointIncompleteException(String message) {
        super(message);
    }
}
