package dev.pgvault.metrics;

import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.errors.FailureClass;
import java.time.Duration;
import java.time.Instant;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Backup metrics as CloudWatch Embedded Metric Format lines on stdout, through Powertools'
 * functional API (no aspect weaving). One dimension, the backup name, so the template's
 * alarms match every run of that database whatever its kind.
 */
public final class EmfBackupMetrics implements BackupMetrics {
    public static final String SUCCEEDED = "BackupSucceeded";
    public static final String FAILED = "BackupFailed";
    public static final String SKIPPED = "BackupSkipped";
    public static final String SHRANK = "BackupShrank";
    public static final String DURATION = "BackupDuration";
    public static final String SIZE = "BackupSize";
    public static final String RAW_SIZE = "BackupRawSize";
    public static final String ROWS = "BackupRows";
    public static final String LAST_BACKUP = "LastBackupTimestamp";
    public static final String DIMENSION = "BackupName";
    /** Second dimension of failures: a {@link FailureClass} value such as "Connection". */
    public static final String ERROR_CLASS = "ErrorClass";

    private final Metrics metrics;
    private final String backupName;

    public EmfBackupMetrics(String namespace, String backupName) {
        this(MetricsFactory.getMetricsInstance(), namespace, backupName);
    }

    EmfBackupMetrics(Metrics metrics, String namespace, String backupName) {
        this.metrics = metrics;
        this.backupName = backupName;
        metrics.setNamespace(namespace);
        metrics.setRaiseOnEmptyMetrics(false);
    }

    @Override
    public void backupSucceeded(String kind, Duration duration, long storedBytes, long rawBytes, long rows,
                                Instant finishedAt) {
        metrics.flushMetrics(m -> {
            m.addDimension(DimensionSet.of(DIMENSION, backupName));
            m.addMetadata("kind", kind);
            m.addMetric(SUCCEEDED, 1, MetricUnit.COUNT);
            m.addMetric(FAILED, 0, MetricUnit.COUNT);
            m.addMetric(DURATION, duration.toMillis() / 1000.0, MetricUnit.SECONDS);
            m.addMetric(SIZE, storedBytes, MetricUnit.BYTES);
            m.addMetric(RAW_SIZE, rawBytes, MetricUnit.BYTES);
            m.addMetric(ROWS, rows, MetricUnit.COUNT);
            m.addMetric(LAST_BACKUP, finishedAt.getEpochSecond(), MetricUnit.NONE);
        });
    }

    @Override
    public void backupFailed(String kind, FailureClass failure) {
        // Two dimension sets: the alarm watches BackupName alone; ErrorClass splits it on a dashboard.
        metrics.flushMetrics(m -> {
            m.addDimension(DimensionSet.of(DIMENSION, backupName));
            m.addDimension(DimensionSet.of(DIMENSION, backupName, ERROR_CLASS, failure.metricValue()));
            m.addMetadata("kind", kind);
            m.addMetric(FAILED, 1, MetricUnit.COUNT);
        });
        metrics.flushMetrics(m -> {
            m.addDimension(DimensionSet.of(DIMENSION, backupName));
            m.addMetric(SUCCEEDED, 0, MetricUnit.COUNT);
        });
    }

    @Override
    public void backupSkipped(String kind, BackupOutcome.Status why) {
        metrics.flushMetrics(m -> {
            m.addDimension(DimensionSet.of(DIMENSION, backupName));
            m.addMetadata("kind", kind);
            m.addMetadata("reason", why.name().toLowerCase(java.util.Locale.ROOT));
            m.addMetric(SKIPPED, 1, MetricUnit.COUNT);
        });
    }

    @Override
    public void backupShrank(String kind, String what, long previous, long now) {
        metrics.flushMetrics(m -> {
            m.addDimension(DimensionSet.of(DIMENSION, backupName));
            m.addMetadata("kind", kind);
            m.addMetadata("what", what);
            m.addMetadata("previous", previous);
            m.addMetadata("now", now);
            m.addMetric(SHRANK, 1, MetricUnit.COUNT);
        });
    }
}
