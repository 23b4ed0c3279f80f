package dev.pgvault.testing;

import dev.pgvault.metrics.BackupMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Remembers what a run reported. */
public final class RecordingMetrics implements BackupMetrics {
    public final List<String> events = new ArrayList<>();

    @Override
    public void backupSucceeded(String kind, Duration duration, long storedBytes, long rawBytes, long rows,
                                Instant finishedAt) {
        events.add("succeeded " + kind + " rows=" + rows);
    }

    @Override
    public void backupFailed(String kind, String errorType) {
        events.add("failed " + kind + " " + errorType);
    }
}
