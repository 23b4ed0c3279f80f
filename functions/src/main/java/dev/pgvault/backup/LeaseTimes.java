package dev.pgvault.backup;

import java.time.Duration;

/**
 * How a backup key's lock lease behaves. The lease is short and renewed by a heartbeat while
 * the run lives, so a run killed outright (kill -9, out of memory, the Lambda's hard limit)
 * frees its key within one lease; a lock seen unrenewed for a whole lease is a dead run's,
 * whatever expiry it claims.
 *
 * @param lease     how long a lock stays valid without renewal
 * @param heartbeat how often the holder renews it (a few times per lease)
 */
public record LeaseTimes(Duration lease, Duration heartbeat) {
    /** 60 s leases renewed every 15 s: a dead run's key is free within a minute. */
    public static final LeaseTimes DEFAULT = new LeaseTimes(Duration.ofSeconds(60), Duration.ofSeconds(15));

    public LeaseTimes {
        if (heartbeat.isZero() || heartbeat.isNegative() || heartbeat.multipliedBy(2).compareTo(lease) > 0) {
            throw new IllegalArgumentException("the heartbeat (" + heartbeat + ") must be positive and at most half"
                    + " the lease (" + lease + ")");
        }
    }
}
