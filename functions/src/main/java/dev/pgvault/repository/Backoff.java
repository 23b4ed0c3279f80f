package dev.pgvault.repository;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter (half to all of the step) for the retries a store makes itself, on top of the SDK's
 * per-request ones: resuming a broken read, repeating a conditional write that S3 answered with
 * 409 ConditionalRequestConflict. Jitter keeps racing writers from retrying in lock step.
 *
 * @param attempts how many tries in all, the first included
 */
record Backoff(int attempts, Duration base, Duration max) {
    /** A broken GET: about ten tries spread over a minute or so, enough for a network blip or a failover. */
    static final Backoff READS = new Backoff(10, Duration.ofMillis(200), Duration.ofSeconds(15));
    /** A conflicting conditional write: S3 resolves it within milliseconds. */
    static final Backoff CONFLICTS = new Backoff(6, Duration.ofMillis(20), Duration.ofSeconds(1));

    /** Waits before try number {@code attempt} (2 for the first retry). */
    void pause(int attempt) throws InterruptedIOException {
        long ceiling = Math.min(max.toMillis(), base.toMillis() << Math.min(20, Math.max(0, attempt - 2)));
        long millis = ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }
}
