package dev.pgvault.metrics;

import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.errors.FailureClass;
import java.time.Duration;
import java.time.Instant;

/**
 * What a backup run reports for dashboards and alarms: every run ends in exactly one of
 * succeeded, skipped (already complete, or held by a live run) and failed, whatever failed.
 */
public interface BackupMetrics {
    void backupSucceeded(String kind, Duration duration, long storedBytes, long rawBytes, long rows, Instant finishedAt);

    void backupFailed(String kind, FailureClass failure);

    void backupSkipped(String kind, BackupOutcome.Status why);

    /** The new backup holds less than half the rows or bytes of the previous one of the same name. */
    void backupShrank(String kind, String what, long previous, long now);

    BackupMetrics NONE = new BackupMetrics() {
        @Override
        public void backupSucceeded(String kind, Duration duration, long storedBytes, long rawBytes, long rows,
                                    Instant finishedAt) {}

        @Override
        public void backupFailed(String kind, FailureClass failure) {}

        @Override
        public void backupSkipped(String kind, BackupOutcome.Status why) {}

        @Override
        public void backupShrank(String kind, String what, long previous, long now) {}
    };

    /** The run wrapper's failure report for a function that is not a backup: only failures, to {@code failed}. */
    static BackupMetrics failuresTo(java.util.function.Consumer<FailureClass> failed) {
        return new BackupMetrics() {
            @Override
            public void backupSucceeded(String kind, Duration duration, long storedBytes, long rawBytes, long rows,
                                        Instant finishedAt) {}

            @Override
            public void backupFailed(String kind, FailureClass failure) {
                failed.accept(failure);
            }

            @Override
            public void backupSkipped(String kind, BackupOutcome.Status why) {}

            @Override
            public void backupShrank(String kind, String what, long previous, long now) {}
        };
    }
}
