package dev.pgvault.run;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stops a run shortly before a hard deadline (a Lambda's timeout), while there is still time
 * to abort the upload, release the lock and report {@code Timeout}: a run killed by the
 * platform does none of that.
 */
public final class Watchdog implements AutoCloseable {
    private final ScheduledExecutorService timer;

    private Watchdog(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /**
     * Cancels {@code cancellation} with {@link Cancellation.Reason#TIMEOUT} at {@code deadline - margin}
     * (at once if that has passed).
     */
    public static Watchdog start(Cancellation cancellation, Instant deadline, Duration margin, Clock clock) {
        return start(cancellation, deadline, margin, clock, "the upload is aborted and the lock released cleanly;"
                + " if this repeats, the database has outgrown one Lambda run (run `pgvault backup` as a CronJob or"
                + " ECS task instead, see README)");
    }

    /**
     * As {@link #start(Cancellation, Instant, Duration, Clock)}, for a function whose run is stopped
     * "so that" {@code soThat} (what stopping early lets it undo, and what to do if it repeats).
     */
    public static Watchdog start(Cancellation cancellation, Instant deadline, Duration margin, Clock clock,
                                 String soThat) {
        String why = "stopped " + margin.toSeconds() + " s before the function's time limit, so that " + soThat;
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pgvault-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        Instant stopAt = deadline.minus(margin);
        long delay = Math.max(0, Duration.between(clock.instant(), stopAt).toMillis());
        timer.schedule(() -> cancellation.cancel(Cancellation.Reason.TIMEOUT, why), delay, TimeUnit.MILLISECONDS);
        return new Watchdog(timer);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
