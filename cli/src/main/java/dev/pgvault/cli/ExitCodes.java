package dev.pgvault.cli;

import dev.pgvault.errors.FailureClass;
import dev.pgvault.errors.PgvaultException;
import picocli.CommandLine;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Every exit code of every command, and the one place that decides which code a failure gets.
 * Commands return {@link #OK} (or an outcome's own code: {@link #HELD}, the PITR execution
 * states) and throw everything else; {@link Failures} prints the failure and asks
 * {@link #forFailure} for its code.
 *
 * <p>The lists below are what each command's {@code --help} shows (picocli's exitCodeList)
 * and what the README's CLI section repeats.
 */
public final class ExitCodes {
    /** Done: written, already complete, restored, listed; a PITR execution started or succeeded. */
    public static final int OK = 0;
    /** The run failed (and undid what it started); for {@code restore pitr}, the execution failed. */
    public static final int FAILED = 1;
    /** Usage or bad input (bad flags, a malformed URL, an unknown backup, a missing repository): nothing was done. */
    public static final int USAGE = 2;
    /** {@code restore pitr --wait}: the execution timed out. */
    public static final int TIMED_OUT = 3;
    /** {@code restore pitr --wait}: someone stopped the execution. */
    public static final int STOPPED = 4;
    /** PITR commands: AWS could not be reached or refused the call. */
    public static final int AWS_ERROR = 5;
    /**
     * backup: another live run holds the key's lock; restore, verify: the backup is archived and its
     * retrieval was requested or is under way (EX_TEMPFAIL: try again later).
     */
    public static final int HELD = 75;
    /** Stopped by SIGINT (Ctrl-C), after undoing what the run had started. */
    public static final int SIGINT = 130;
    /** Stopped by SIGTERM (a pod being stopped), after undoing what the run had started. */
    public static final int SIGTERM = 143;

    public static final String HEADING = "%nExit codes:%n";
    public static final String SIGNALS_130 = "130:stopped by Ctrl-C (SIGINT); what the run had started was undone";
    public static final String SIGNALS_143 = "143:stopped by SIGTERM; what the run had started was undone";
    public static final String ARCHIVED_LINE = "75:the backup is in Glacier or Deep Archive: its retrieval was requested"
            + " (or is under way); try again when the message says, or use --wait";
    public static final String USAGE_LINE = "2:usage or bad input (flags, URL, unknown backup, missing repository): nothing was done";

    private ExitCodes() {}

    /**
     * The exit code for a command that ended with {@code failure}. A signal wins (the failure is
     * how the cancelled run ended); then bad input; then, for the commands that only talk to AWS,
     * AWS errors; everything else failed.
     */
    static int forFailure(Throwable failure, Object command, Signals signals) {
        if (signals != null && signals.received().isPresent()) {
            return signals.exitCode();
        }
        if (failure instanceof CommandLine.ParameterException || failure instanceof UsageError) {
            return USAGE;
        }
        if (failure instanceof dev.pgvault.errors.BackupArchivedException) {
            return HELD;
        }
        FailureClass kind = classify(failure, signals);
        if (kind == FailureClass.INVALID_REQUEST || kind == FailureClass.CONFIGURATION
                || kind == FailureClass.ENCRYPTION_KEY) {
            return USAGE;
        }
        if (command instanceof AwsCommand && (failure instanceof SdkException || failure instanceof PgvaultException)) {
            return AWS_ERROR;
        }
        return FAILED;
    }

    /**
     * The failure's class as the metrics and {@code --json} report it: {@link FailureClass#of}, with
     * what only the CLI knows (a signal, a usage error) and what the core does not classify yet
     * (a non-empty restore target is bad input).
     */
    static FailureClass classify(Throwable failure, Signals signals) {
        if (signals != null && signals.received().isPresent()) {
            return FailureClass.INTERRUPTED;
        }
        if (failure instanceof CommandLine.ParameterException) {
            return FailureClass.INVALID_REQUEST;
        }
        return FailureClass.of(failure);
    }

    /** Marks the commands whose failures other than bad input are AWS's (exit {@link #AWS_ERROR}). */
    public interface AwsCommand {}
}
