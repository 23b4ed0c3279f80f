package dev.pgvault.backup;

import dev.pgvault.errors.StorageException;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.Versioned;
import dev.pgvault.run.Cancellation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mutex on one backup key, so that two runs for the same key (EventBridge delivers at least
 * once; a CronJob retries; an operator runs a manual backup twice) never write it at once.
 *
 * <p>The lock is a small {@code <key>.lock} document holding a run id and a short lease that a
 * heartbeat renews while the run lives. Every change is a conditional write on the version
 * last read: taking a free key ({@code putIfAbsent}), renewing and taking over
 * ({@code replaceIfMatch}), releasing ({@code deleteIfMatch}); so a run never removes or
 * overwrites a lock it does not hold, and of two runs racing for a key exactly one wins.
 *
 * <p>A run finding the key locked watches the lock before it answers: a lock that is renewed
 * belongs to a live run ({@link Held}); one that expires, or is seen unrenewed for a whole
 * lease, belongs to a dead run and is taken over. So a killed run's key is free again within
 * one lease, and a retry does not stand down in front of a corpse. A lock that cannot be
 * read is an error, never "expired".
 *
 * <p>If the heartbeat finds the lock gone or taken (it lost the lease, e.g. paused for longer
 * than a lease), the holder is told through {@code onLost} and must not commit.
 */
final class BackupLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackupLock.class);

    /** The key is held by a live run. */
    static final class Held extends Exception {
        private final BackupOutcome.LockHolder holder;

        Held(BackupOutcome.LockHolder holder) {
            super("held by run " + holder.runId() + " (" + holder.owner() + ") until " + holder.expiresAt(), null,
                    false, false);
            this.holder = holder;
        }

        BackupOutcome.LockHolder holder() {
            return holder;
        }
    }

    private final BackupStore store;
    private final String lockKey;
    private final Clock clock;
    private final LeaseTimes times;
    private final Runnable onLost;
    private final ScheduledExecutorService heartbeat;
    private LockLease lease;
    private String etag;
    private boolean released;
    private volatile String lostBecause;

    private BackupLock(BackupStore store, String lockKey, Clock clock, LeaseTimes times, Runnable onLost,
                       LockLease lease, String etag) {
        this.store = store;
        this.lockKey = lockKey;
        this.clock = clock;
        this.times = times;
        this.onLost = onLost;
        this.lease = lease;
        this.etag = etag;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pgvault-lock-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        long period = times.heartbeat().toMillis();
        heartbeat.scheduleWithFixedDelay(this::renew, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lock on {@code lockKey} for run {@code runId}, waiting at most about one lease
     * to tell a live holder from a dead one.
     *
     * @throws Held if a live run holds the key
     */
    static BackupLock acquire(BackupStore store, String lockKey, String runId, String owner, Clock clock,
                              LeaseTimes times, Runnable onLost, Cancellation cancellation) throws Held {
        long watchUntil = System.nanoTime() + times.lease().plus(times.heartbeat()).toNanos();
        String firstSeenEtag = null;
        boolean warned = false;
        long pollMillis = Math.max(50, times.heartbeat().toMillis() / 3);
        while (true) {
            cancellation.check();
            Instant now = clock.instant();
            LockLease mine = new LockLease(runId, owner, now, now, now.plus(times.lease()), 0);
            Optional<String> created = store.putIfAbsent(lockKey, mine.toBytes());
            if (created.isPresent()) {
                return new BackupLock(store, lockKey, clock, times, onLost, mine, created.get());
            }
            Optional<Versioned> current = store.readVersioned(lockKey);
            if (current.isEmpty()) {
                continue; // released between our two calls: try again
            }
            LockLease theirs = LockLease.parse(current.get().content());
            boolean expired = theirs != null && !theirs.expiresAt().isAfter(now);
            boolean watchedLongEnough = System.nanoTime() - watchUntil >= 0;
            if (firstSeenEtag != null && !firstSeenEtag.equals(current.get().etag()) && !expired) {
                throw new Held(holderOf(theirs)); // renewed (or taken over) while we watched: alive
            }
            if (expired || (watchedLongEnough && current.get().etag().equals(firstSeenEtag))) {
                Optional<String> taken = store.replaceIfMatch(lockKey, mine.toBytes(), current.get().etag());
                if (taken.isPresent()) {
                    LOG.warn("took over the lock {} from run {} ({}), which stopped renewing it", lockKey,
                            theirs == null ? "unknown" : theirs.runId(), theirs == null ? "unreadable lease" : theirs.owner());
                    return new BackupLock(store, lockKey, clock, times, onLost, mine, taken.get());
                }
                firstSeenEtag = null; // someone else changed it first: watch again
                continue;
            }
            if (watchedLongEnough) {
                throw new Held(holderOf(theirs)); // changed under us all along: alive
            }
            if (firstSeenEtag == null) {
                if (!warned) {
                    warned = true;
                    LOG.warn("{} is held by {}; watching it for up to {} s to tell a live run from a dead one", lockKey,
                            theirs == null ? "an unreadable lease" : "run " + theirs.runId() + " (" + theirs.owner() + ")",
                            times.lease().plus(times.heartbeat()).toSeconds());
                }
                firstSeenEtag = current.get().etag();
            }
            sleep(pollMillis, cancellation);
        }
    }

    private static BackupOutcome.LockHolder holderOf(LockLease lease) {
        return lease == null ? new BackupOutcome.LockHolder("unknown", "an unreadable lock document", null, null)
                : lease.holder();
    }

    private static void sleep(long millis, Cancellation cancellation) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancellation.check();
            throw new dev.pgvault.errors.PgvaultException("interrupted while waiting for the lock", e);
        }
    }

    /**
     * Renews the lease now and confirms it is still this run's, just before an irreversible step
     * (the commit): a heartbeat that lost the lock a moment ago may not have said so yet.
     *
     * @return null while held; otherwise why the lease was lost
     */
    String confirm() {
        renew();
        return lostBecause;
    }

    /** Null while held; otherwise why the lease was lost. */
    String lostBecause() {
        return lostBecause;
    }

    String runId() {
        return lease.runId();
    }

    private synchronized void renew() {
        if (released || lostBecause != null) {
            return;
        }
        Instant now = clock.instant();
        LockLease next = lease.renewed(now, times.lease());
        try {
            Optional<String> renewed = store.replaceIfMatch(lockKey, next.toBytes(), etag);
            if (renewed.isPresent()) {
                lease = next;
                etag = renewed.get();
                return;
            }
            lose("another run took over or removed " + lockKey + " while this run held it");
        } catch (StorageException e) {
            // A renewal that fails is retried at the next beat; only a lease that runs out is lost.
            if (!now.isBefore(lease.expiresAt().minus(times.heartbeat().dividedBy(2)))) {
                lose("could not renew " + lockKey + " before its lease ran out: " + e.getMessage());
            } else {
                LOG.warn("could not renew the lock {} (will retry): {}", lockKey, e.getMessage());
            }
        }
    }

    private void lose(String why) {
        lostBecause = why;
        LOG.error("lost the lock: {}", why);
        try {
            onLost.run();
        } catch (RuntimeException e) {
            LOG.warn("stopping the run after losing its lock failed: {}", e.toString());
        }
    }

    /** Stops the heartbeat and removes the lock if it is still ours. Never throws. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (released) {
                return;
            }
            released = true;
            if (lostBecause != null) {
                return;
            }
            try {
                if (!store.deleteIfMatch(lockKey, etag)) {
                    LOG.warn("the lock {} changed hands before release; left it to its new holder", lockKey);
                }
            } catch (RuntimeException e) {
                LOG.warn("could not release the lock {} (it expires within {} s by itself): {}", lockKey,
                        times.lease().toSeconds(), e.getMessage());
            }
        }
    }

    /** How long a lease lasts, for messages. */
    Duration leaseLength() {
        return times.lease();
    }
}
