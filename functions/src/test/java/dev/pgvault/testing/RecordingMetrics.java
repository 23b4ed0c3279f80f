package dev.pgvault.testing;

import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.errors.FailureClass;
import dev.pgvault.metrics.BackupMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Remembers what a run reported, one line per metric event. */
public final class RecordingMetrics implements BackupMetrics {
    public final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void backupSucceeded(String kind, Duration duration, long storedBytes, long rawBytes, long rows,
                                Instant finishedAt) {
        events.add("succeeded " + kind + " rows=" + rows);
    }

    @Override
    public void backupFailed(String kind, FailureClass failure) {
        events.add("failed " + kind + " " + failure.metricValue());
    }

    @Override
    public void backupSkipped(String kind, BackupOutcome.Status why) {
        events.add("skipped " + kind + " " + why);
    }

    @Override
    public void backupShrank(String kind, String what, long previous, long now) {
        events.add("shrank " + kind + " " + what + " " + previous + "->" + now);
    }
}
