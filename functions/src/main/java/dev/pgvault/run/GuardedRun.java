package dev.pgvault.run;

import dev.pgvault.errors.FailureClass;
import dev.pgvault.errors.PgvaultException;
import dev.pgvault.metrics.BackupMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one wrapper every backup run goes through, in the Lambda and in the CLI alike: whatever
 * ends the run — a bad configuration, an unreadable secret or key, the database, the dump, the
 * upload, the watchdog, a signal, running out of memory — is reported once as a failure
 * metric with its {@link FailureClass}, logged in one line, and rethrown. (Successes and skips
 * are reported by the service, which knows their figures.)
 */
public final class GuardedRun {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedRun.class);

    /** The work; {@code scope} carries the cancellation and takes the run's kind once known. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Scope scope) throws Exception;
    }

    /** What the work can see and say about its run. */
    public static final class Scope {
        private final Cancellation cancellation;
        private volatile String kind = "unknown";

        Scope(Cancellation cancellation) {
            this.cancellation = cancellation;
        }

        public Cancellation cancellation() {
            return cancellation;
        }

        /** The run's kind (daily, manual) for the metrics, once the request is parsed. */
        public void kind(String value) {
            kind = value;
        }
    }

    private final BackupMetrics metrics;
    private final Clock clock;

    public GuardedRun(BackupMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Runs {@code work} with no deadline (the CLI: signals cancel it). */
    public <T> T run(Cancellation cancellation, Work<T> work) {
        return run(cancellation, null, Duration.ZERO, work);
    }

    /**
     * Runs {@code work}; when {@code deadline} is given, a watchdog cancels it {@code margin}
     * before, so it can undo what it started and report {@code Timeout} before the platform kills it.
     */
    public <T> T run(Cancellation cancellation, Instant deadline, Duration margin, Work<T> work) {
        return run(cancellation, deadline, margin, null, work);
    }

    /**
     * As {@link #run(Cancellation, Instant, Duration, Work)}, the watchdog saying what stopping
     * early lets the run undo ({@link Watchdog#start(Cancellation, Instant, Duration, Clock, String)};
     * null: a backup's, the upload aborted and the lock released).
     */
    public <T> T run(Cancellation cancellation, Instant deadline, Duration margin, String soThat, Work<T> work) {
        Scope scope = new Scope(cancellation);
        try (Watchdog ignored = deadline == null ? null : soThat == null
                ? Watchdog.start(cancellation, deadline, margin, clock)
                : Watchdog.start(cancellation, deadline, margin, clock, soThat)) {
            return work.run(scope);
        } catch (Throwable failure) {
            report(scope.kind, failure);
            if (failure instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (failure instanceof Error error) {
                throw error;
            }
            throw new PgvaultException(failure.getMessage(), failure);
        }
    }

    private void report(String kind, Throwable failure) {
        FailureClass failureClass = FailureClass.of(failure);
        try {
            metrics.backupFailed(kind, failureClass);
            LOG.error("{} backup failed ({}): {}", kind, failureClass.metricValue(), failure.getMessage());
        } catch (Throwable reporting) {
            failure.addSuppressed(reporting); // even out of memory, the original failure is what propagates
        }
    }
}
