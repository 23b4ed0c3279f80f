package dev.pgvault.run;

import dev.pgvault.errors.RunCancelledException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Asks a running backup or restore to stop: the watchdog does so shortly before a Lambda's
 * deadline, the CLI on SIGINT/SIGTERM. Whoever holds something that must be undone (an open
 * connection, an upload, a lock) registers an action; {@link #cancel} runs them once, on the
 * cancelling thread, so that a thread blocked in I/O is woken by its resource being closed.
 * The run then fails with {@link RunCancelledException} on its normal failure path, which
 * aborts the upload and releases the lock.
 */
public final class Cancellation {
    /** Why a run was stopped. */
    public enum Reason {
        /** The watchdog: too little time left before the Lambda's deadline to finish cleanly. */
        TIMEOUT,
        /** SIGINT (Ctrl-C) or SIGTERM (a CronJob's pod being stopped). */
        SIGNAL
    }

    private final List<Runnable> actions = new ArrayList<>();
    private Reason reason;
    private String detail;

    /** A cancellation that is never triggered (tests, drills). */
    public static Cancellation none() {
        return new Cancellation();
    }

    /** Stops the run; the first call wins, later ones do nothing. */
    public void cancel(Reason why, String what) {
        List<Runnable> toRun;
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why;
            detail = what;
            toRun = List.copyOf(actions);
            actions.clear();
        }
        for (Runnable action : toRun) {
            runQuietly(action);
        }
    }

    /** Runs {@code action} on cancellation, or now if the run is already cancelled. */
    public void onCancel(Runnable action) {
        synchronized (this) {
            if (reason == null) {
                actions.add(action);
                return;
            }
        }
        runQuietly(action);
    }

    /** Forgets an action registered earlier (its resource was released normally). */
    public synchronized void forget(Runnable action) {
        actions.remove(action);
    }

    public synchronized Optional<Reason> reason() {
        return Optional.ofNullable(reason);
    }

    public synchronized boolean cancelled() {
        return reason != null;
    }

    /** Throws {@link RunCancelledException} if the run was cancelled. */
    public void check() {
        RunCancelledException exception = exception();
        if (exception != null) {
            throw exception;
        }
    }

    /** The exception a cancelled run ends with, or null if it was not cancelled. */
    public synchronized RunCancelledException exception() {
        return reason == null ? null : new RunCancelledException(reason, detail);
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException ignored) {
            // closing a resource to wake its user; the run reports the cancellation itself
        }
    }
}
