package dev.pgvault.metrics;

import dev.pgvault.errors.FailureClass;
import dev.pgvault.verify.VerificationReport;
import dev.pgvault.verify.VerificationStatus;
import java.time.Duration;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Verification metrics as CloudWatch EMF lines, through Powertools' functional API. The alarms
 * watch the {@code BackupName} dimension alone; {@code Result} (a {@link VerificationStatus}
 * class such as {@code ChecksumMismatch}, or {@code Error}) splits them on the dashboard.
 */
public final class EmfVerificationMetrics implements VerificationMetrics {
    public static final String SUCCEEDED = "VerificationSucceeded";
    public static final String FAILED = "VerificationFailed";
    public static final String RESTORE_SECONDS = "VerificationRestoreSeconds";
    public static final String BYTES_VERIFIED = "VerificationBytesVerified";
    public static final String HOURS_SINCE_SUCCESS = "HoursSinceLastVerification";
    public static final String RPO_HOURS = "NewestGoodBackupAgeHours";
    public static final String NOTICE_FAILED = "NoticeFailed";
    public static final String DIMENSION = EmfBackupMetrics.DIMENSION;
    public static final String RESULT = "Result";
    public static final String CHANNEL = "Channel";
    /** The Result of a run that reached no verdict. */
    public static final String ERROR = "Error";

    private final Metrics metrics;
    private final String backupName;

    public EmfVerificationMetrics(String namespace, String backupName) {
        this(MetricsFactory.getMetricsInstance(), namespace, backupName);
    }

    EmfVerificationMetrics(Metrics metrics, String namespace, String backupName) {
        this.metrics = metrics;
        this.backupName = backupName;
        metrics.setNamespace(namespace);
        metrics.setRaiseOnEmptyMetrics(false);
    }

    @Override
    public void verified(VerificationReport report, Duration sinceLastSuccess) {
        VerificationStatus status = report.status();
        boolean failed = status.failed();
        metrics.flushMetrics(m -> {
            m.addDimension(DimensionSet.of(DIMENSION, backupName));
            m.addDimension(DimensionSet.of(DIMENSION, backupName, RESULT, status.metricValue()));
            m.addMetadata("key", String.valueOf(report.result().key()));
            m.addMetric(SUCCEEDED, status == VerificationStatus.OK ? 1 : 0, MetricUnit.COUNT);
            m.addMetric(FAILED, failed ? 1 : 0, MetricUnit.COUNT);
            m.addMetric(BYTES_VERIFIED, report.bytesVerified(), MetricUnit.BYTES);
        });
        metrics.flushMetrics(m -> {
            m.addDimension(DimensionSet.of(DIMENSION, backupName));
            if (report.restoreTime() != null) {
                m.addMetric(RESTORE_SECONDS, report.restoreTime().toMillis() / 1000.0, MetricUnit.SECONDS);
            }
            if (report.rpo() != null) {
                m.addMetric(RPO_HOURS, report.rpo().toMillis() / 3_600_000.0, MetricUnit.NONE);
            }
            if (sinceLastSuccess != null) {
                m.addMetric(HOURS_SINCE_SUCCESS, sinceLastSuccess.toMillis() / 3_600_000.0, MetricUnit.NONE);
            }
        });
    }

    @Override
    public void runFailed(FailureClass failure) {
        metrics.flushMetrics(m -> {
            m.addDimension(DimensionSet.of(DIMENSION, backupName));
            m.addDimension(DimensionSet.of(DIMENSION, backupName, RESULT, ERROR));
            m.addMetadata("errorClass", failure.metricValue());
            m.addMetric(FAILED, 1, MetricUnit.COUNT);
            m.addMetric(SUCCEEDED, 0, MetricUnit.COUNT);
        });
    }

    @Override
    public void sinceLastSuccess(Duration sinceLastSuccess) {
        metrics.flushMetrics(m -> {
            m.addDimension(DimensionSet.of(DIMENSION, backupName));
            m.addMetric(HOURS_SINCE_SUCCESS, sinceLastSuccess.toMillis() / 3_600_000.0, MetricUnit.NONE);
        });
    }

    @Override
    public void noticeFailed(String channel) {
        metrics.flushMetrics(m -> {
            m.addDimension(DimensionSet.of(DIMENSION, backupName, CHANNEL, channel));
            m.addMetric(NOTICE_FAILED, 1, MetricUnit.COUNT);
        });
    }
}
