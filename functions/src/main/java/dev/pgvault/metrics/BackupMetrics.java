package dev.pgvault.metrics;

import java.time.Duration;
import java.time.Instant;

/** What a backup run reports for dashboards and alarms ("not run in 25 hours", "failed"). */
public interface BackupMetrics {
    void backupSucceeded(String kind, Duration duration, long storedBytes, long rawBytes, long rows, Instant finishedAt);

    void backupFailed(String kind, String errorType);

    BackupMetrics NONE = new BackupMetrics() {
        @Override
        public void backupSucceeded(String kind, Duration duration, long storedBytes, long rawBytes, long rows,
                                    Instant finishedAt) {}

        @Override
        public void backupFailed(String kind, String errorType) {}
    };
}
