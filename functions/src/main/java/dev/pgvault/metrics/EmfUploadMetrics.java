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
 * The upload function's metrics (configuration and code backups), apart from the database
 * backup's so that its alarms keep meaning "the database": UploadSucceeded, UploadFailed and
 * UploadSkipped under the stack's BackupName (what the alarm watches), and again with the
 * upload's kind ({@code config}, {@code code}) and, for failures, the ErrorClass.
 */
public final class EmfUploadMetrics implements BackupMetrics {
    public static final String SUCCEEDED = "UploadSucceeded";
    public static final String FAILED = "UploadFailed";
    public static final String SKIPPED = "UploadSkipped";
    public static final String SIZE = "UploadSize";
    public static final String LAST_UPLOAD = "LastUploadTimestamp";
    public static final String KIND = "Upload";

    private final Metrics metrics;
    private final String backupName;

    public EmfUploadMetrics(String namespace, String backupName) {
        this.metrics = MetricsFactory.getMetricsInstance();
        this.backupName = backupName;
        metrics.setNamespace(namespace);
        metrics.setRaiseOnEmptyMetrics(false);
    }

    @Override
    public void backupSucceeded(String kind, Duration duration, long storedBytes, long rawBytes, long rows,
                                Instant finishedAt) {
        metrics.flushMetrics(m -> {
            m.addDimension(DimensionSet.of(EmfBackupMetrics.DIMENSION, backupName));
            m.addDimension(DimensionSet.of(EmfBackupMetrics.DIMENSION, backupName, KIND, kind));
            m.addMetric(SUCCEEDED, 1, MetricUnit.COUNT);
            m.addMetric(FAILED, 0, MetricUnit.COUNT);
            m.addMetric(SIZE, storedBytes, MetricUnit.BYTES);
            m.addMetric(LAST_UPLOAD, finishedAt.getEpochSecond(), MetricUnit.NONE);
        });
    }

    @Override
    public void backupFailed(String kind, FailureClass failure) {
        metrics.flushMetrics(m -> {
            m.addDimension(DimensionSet.of(EmfBackupMetrics.DIMENSION, backupName));
            m.addDimension(DimensionSet.of(EmfBackupMetrics.DIMENSION, backupName, KIND, kind));
            m.addDimension(DimensionSet.of(EmfBackupMetrics.DIMENSION, backupName, KIND, kind,
                    EmfBackupMetrics.ERROR_CLASS, failure.metricValue()));
            m.addMetric(FAILED, 1, MetricUnit.COUNT);
        });
    }

    @Override
    public void backupSkipped(String kind, BackupOutcome.Status why) {
        metrics.flushMetrics(m -> {
            m.addDimension(DimensionSet.of(EmfBackupMetrics.DIMENSION, backupName, KIND, kind));
            m.addMetadata("reason", why.name().toLowerCase(java.util.Locale.ROOT));
            m.addMetric(SKIPPED, 1, MetricUnit.COUNT);
        });
    }

    @Override
    public void backupShrank(String kind, String what, long previous, long now) {
        // configuration and code are not compared with the previous upload
    }
}
