package dev.pgvault.metrics;

import dev.pgvault.errors.FailureClass;
import dev.pgvault.verify.VerificationReport;
import java.time.Duration;

/**
 * What a verification run reports for dashboards and alarms: its verdict (succeeded or failed,
 * by result class), how long the restore took, how many bytes were checked, how old the newest
 * good backup is, and how long ago a verification last succeeded. A run that could not reach a
 * verdict (scratch server down, watchdog) counts as failed with {@code Result=Error}.
 */
public interface VerificationMetrics {
    void verified(VerificationReport report, Duration sinceLastSuccess);

    void runFailed(FailureClass failure);

    /** Emitted daily, so an alarm sees a verification that stopped running. */
    void sinceLastSuccess(Duration sinceLastSuccess);

    void noticeFailed(String channel);

    VerificationMetrics NONE = new VerificationMetrics() {
        @Override
        public void verified(VerificationReport report, Duration sinceLastSuccess) {}

        @Override
        public void runFailed(FailureClass failure) {}

        @Override
        public void sinceLastSuccess(Duration sinceLastSuccess) {}

        @Override
        public void noticeFailed(String channel) {}
    };

    /** The run wrapper's failure report, as this function's metric. */
    default BackupMetrics asRunMetrics() {
        VerificationMetrics self = this;
        return new BackupMetrics() {
            @Override
            public void backupSucceeded(String kind, Duration duration, long storedBytes, long rawBytes, long rows,
                                        java.time.Instant finishedAt) {}

            @Override
            public void backupFailed(String kind, FailureClass failure) {
                self.runFailed(failure);
            }

            @Override
            public void backupSkipped(String kind, dev.pgvault.backup.BackupOutcome.Status why) {}

            @Override
            public void backupShrank(String kind, String what, long previous, long now) {}
        };
    }
}
