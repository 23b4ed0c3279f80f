package dev.pgvault.cli;

import dev.pgvault.archive.Manifest;
import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.errors.FailureClass;
import dev.pgvault.metrics.BackupMetrics;
import java.time.Duration;
import java.time.Instant;

/**
 * Makes every CLI backup run end in exactly one outcome metric (succeeded, skipped or failed),
 * whatever failed and wherever: the backup service reports what happens inside its run; this
 * reports what it did not (a bad key file or repository before the run started, an outcome the
 * service returned without a metric), and never a second one.
 */
final class OutcomeMetrics implements BackupMetrics {
    private final BackupMetrics delegate;
    private boolean reported;

    OutcomeMetrics(BackupMetrics delegate) {
        this.delegate = delegate;
    }

    @Override
    public synchronized void backupSucceeded(String kind, Duration duration, long storedBytes, long rawBytes, long rows,
                                             Instant finishedAt) {
        reported = true;
        delegate.backupSucceeded(kind, duration, storedBytes, rawBytes, rows, finishedAt);
    }

    @Override
    public synchronized void backupFailed(String kind, FailureClass failure) {
        reported = true;
        delegate.backupFailed(kind, failure);
    }

    @Override
    public synchronized void backupSkipped(String kind, BackupOutcome.Status why) {
        reported = true;
        delegate.backupSkipped(kind, why);
    }

    @Override
    public void backupShrank(String kind, String what, long previous, long now) {
        delegate.backupShrank(kind, what, previous, now);
    }

    /** After the run returned: its outcome's metric, unless the service already emitted one. */
    synchronized void ended(String kind, BackupOutcome outcome) {
        if (reported) {
            return;
        }
        Manifest m = outcome.manifest();
        if (outcome.written() && m != null) {
            backupSucceeded(kind, Duration.ofMillis(m.durationMillis()), m.storedBytes(), m.rawBytes(), m.totalRows(),
                    m.finishedAt());
        } else if (!outcome.written()) {
            backupSkipped(kind, outcome.status());
        }
    }

    /** After the command failed, wherever: BackupFailed with its class, unless one was emitted. */
    synchronized void failed(String kind, FailureClass failure) {
        if (!reported) {
            backupFailed(kind, failure);
        }
    }
}
