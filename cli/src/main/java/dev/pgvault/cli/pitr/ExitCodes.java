package dev.pgvault.cli.pitr;

/** How a PITR command ended, for scripts. */
public final class ExitCodes {
    /** Done: started (without --wait), restored and repointed, status shown, settings changed. */
    public static final int OK = 0;
    /** The restore ran and failed; the application was left on its previous database (see the notice). */
    public static final int RESTORE_FAILED = 1;
    /** Bad input or a request RDS cannot satisfy (unknown instance, time outside the window): nothing started. */
    public static final int INVALID_REQUEST = 2;
    /** The execution hit the state machine's overall timeout. */
    public static final int TIMED_OUT = 3;
    /** Someone stopped the execution. */
    public static final int ABORTED = 4;
    /** AWS could not be reached or refused the call (credentials, permissions, network). */
    public static final int AWS_ERROR = 5;

    private ExitCodes() {
    }
}
