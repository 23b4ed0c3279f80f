package dev.pgvault.metrics;

import dev.pgvault.errors.FailureClass;
import dev.pgvault.retention.TieringReport;

/**
 * What a tiering run reports: objects and bytes per tier, deletions done, deletions refused by the
 * floor (share limit, newest verified) or by Object Lock, and whether the share limit refused the plan.
 */
public interface TieringMetrics {
    void tiered(TieringReport report);

    void runFailed(FailureClass failure);

    /**
     * The configuration and code series' plans of the same run: their deletions, locked versions,
     * and whether the share limit refused any of them (which raises the same plan-refused alarm).
     */
    default void artifactsTiered(java.util.List<TieringReport> series) {}

    TieringMetrics NONE = new TieringMetrics() {
        @Override
        public void tiered(TieringReport report) {}

        @Override
        public void runFailed(FailureClass failure) {}
    };

    /** The run wrapper's failure report, as this function's metric. */
    default BackupMetrics asRunMetrics() {
        return BackupMetrics.failuresTo(this::runFailed);
    }
}
