package dev.pgvault.verify;

import java.time.Duration;

/**
 * The limits a verification judges by.
 *
 * @param freshness              the newest daily backup may be at most this old (26 hours: a daily
 *                               schedule plus a late run's slack)
 * @param sizeRatio              a backup smaller than this fraction of the median of the previous ones is suspicious
 * @param sizeHistory            how many previous backups of the name make the median (seven)
 * @param fallbacks              how many older backups to try when the newest fails
 * @param leftoverAge            scratch databases named longer ago than this are an earlier, killed run's
 * @param checkTimeoutSeconds    statement timeout of each user check
 * @param restoreBytesPerSecond  assumed restore speed in raw (uncompressed) script bytes per second,
 *                               to tell whether a restore can finish before the deadline
 * @param reserve                time kept before the deadline for dropping the scratch database and reporting
 */
public record VerificationPolicy(Duration freshness, double sizeRatio, int sizeHistory, int fallbacks,
                                 Duration leftoverAge, int checkTimeoutSeconds, long restoreBytesPerSecond,
                                 Duration reserve) {
    public static final Duration DEFAULT_FRESHNESS = Duration.ofHours(26);

    public static VerificationPolicy defaults() {
        return new VerificationPolicy(DEFAULT_FRESHNESS, 0.5, 7, 3, Duration.ofHours(1), 60, 20L * 1024 * 1024,
                Duration.ofSeconds(90));
    }

    public VerificationPolicy withFreshness(Duration value) {
        return new VerificationPolicy(value, sizeRatio, sizeHistory, fallbacks, leftoverAge, checkTimeoutSeconds,
                restoreBytesPerSecond, reserve);
    }

    public VerificationPolicy withRestoreBytesPerSecond(long value) {
        return new VerificationPolicy(freshness, sizeRatio, sizeHistory, fallbacks, leftoverAge, checkTimeoutSeconds,
                value, reserve);
    }

    public VerificationPolicy withFallbacks(int value) {
        return new VerificationPolicy(freshness, sizeRatio, sizeHistory, value, leftoverAge, checkTimeoutSeconds,
                restoreBytesPerSecond, reserve);
    }
}
