package dev.pgvault.errors;

import dev.pgvault.run.Cancellation;

/**
 * A run was stopped before it finished: by the watchdog ahead of the Lambda's deadline, or by a
 * signal. Whatever it had started was undone (upload aborted, lock released) before this is thrown.
 */
public class RunCancelledException extends PgvaultException {
    private final Cancellation.Reason reason;

    public RunCancelledException(Cancellation.Reason reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public Cancellation.Reason reason() {
        return reason;
    }
}
