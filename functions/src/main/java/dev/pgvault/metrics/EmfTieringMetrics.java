package dev.pgvault.metrics;

import dev.pgvault.errors.FailureClass;
import dev.pgvault.retention.Applied;
import dev.pgvault.retention.StorageTier;
import dev.pgvault.retention.TieringReport;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.DimensionSet;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/**
 * Tiering metrics as CloudWatch EMF lines. Counts by {@code BackupName}; objects and bytes also by
 * {@code BackupName} and {@code Tier} (the S3 class the tier tag names).
 */
public final class EmfTieringMetrics implements TieringMetrics {
    public static final String OBJECTS = "TieringObjects";
    public static final String BYTES = "TieringBytes";
    public static final String DELETED = "TieringDeleted";
    public static final String REFUSED_BY_LOCK = "TieringDeletesRefusedByLock";
    public static final String REFUSED_BY_FLOOR = "TieringDeletesRefusedByFloor";
    /** 1 when the share limit refused the run's deletions: the alarm's metric. */
    public static final String PLAN_REFUSED = "TieringPlanRefused";
    public static final String FAILED = "TieringFailed";
    public static final String DIMENSION = EmfBackupMetrics.DIMENSION;
    public static final String TIER = "Tier";

    private final Metrics metrics;
    private final String backupName;

    public EmfTieringMetrics(String namespace, String backupName) {
        this(MetricsFactory.getMetricsInstance(), namespace, backupName);
    }

    EmfTieringMetrics(Metrics metrics, String namespace, String backupName) {
        this.metrics = metrics;
        this.backupName = backupName;
        metrics.setNamespace(namespace);
        metrics.setRaiseOnEmptyMetrics(false);
    }

    @Override
    public void tiered(TieringReport report) {
        metrics.flushMetrics(m -> {
            m.addDimension(DimensionSet.of(DIMENSION, backupName));
            m.addMetric(DELETED, report.count(Applied.What.DELETED), MetricUnit.COUNT);
            m.addMetric(REFUSED_BY_LOCK, report.count(Applied.What.LOCKED) + report.count(Applied.What.REFUSED),
                    MetricUnit.COUNT);
            m.addMetric(REFUSED_BY_FLOOR, report.refusedByFloor(), MetricUnit.COUNT);
            m.addMetric(PLAN_REFUSED, report.plan().refused() ? 1 : 0, MetricUnit.COUNT);
            m.addMetric(FAILED, 0, MetricUnit.COUNT);
        });
        var objects = report.objectsPerTier();
        var bytes = report.bytesPerTier();
        for (StorageTier tier : StorageTier.values()) {
            metrics.flushMetrics(m -> {
                m.addDimension(DimensionSet.of(DIMENSION, backupName, TIER, tier.s3Name()));
                m.addMetric(OBJECTS, objects.getOrDefault(tier, 0L), MetricUnit.COUNT);
                m.addMetric(BYTES, bytes.getOrDefault(tier, 0L), MetricUnit.BYTES);
            });
        }
    }

    @Override
    public void artifactsTiered(java.util.List<TieringReport> series) {
        if (series.isEmpty()) {
            return;
        }
        metrics.flushMetrics(m -> {
            m.addDimension(DimensionSet.of(DIMENSION, backupName));
            m.addMetric(DELETED, series.stream().mapToLong(r -> r.count(Applied.What.DELETED)).sum(), MetricUnit.COUNT);
            m.addMetric(REFUSED_BY_LOCK, series.stream()
                    .mapToLong(r -> r.count(Applied.What.LOCKED) + r.count(Applied.What.REFUSED)).sum(), MetricUnit.COUNT);
            m.addMetric(PLAN_REFUSED, series.stream().anyMatch(r -> r.plan().refused()) ? 1 : 0, MetricUnit.COUNT);
        });
    }

    @Override
    public void runFailed(FailureClass failure) {
        metrics.flushMetrics(m -> {
            m.addDimension(DimensionSet.of(DIMENSION, backupName));
            m.addMetadata("errorClass", failure.metricValue());
            m.addMetric(FAILED, 1, MetricUnit.COUNT);
        });
    }
}
