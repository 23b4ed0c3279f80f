package dev.pgvault.retention;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A tiering run: its plan, what was done to each backup, sidecars of deleted backups cleaned up
 * after an interrupted run, and the figures per tier (objects and bytes the plan keeps there).
 */
public record TieringReport(RetentionPlan plan, List<Applied> applied, List<String> orphansRemoved, boolean dryRun) {

    public TieringReport {
        applied = List.copyOf(applied);
        orphansRemoved = List.copyOf(orphansRemoved);
    }

    public long count(Applied.What what) {
        return applied.stream().filter(a -> a.what() == what).count();
    }

    /** Whether the run changed anything in the store. */
    public boolean changedAnything() {
        return !orphansRemoved.isEmpty() || applied.stream().anyMatch(a -> a.what() == Applied.What.UPDATED
                || a.what() == Applied.What.DELETED);
    }

    /** Backups whose tier tag was set. */
    public long tagged() {
        return applied.stream().filter(Applied::tagged).count();
    }

    /** Backups whose Object Lock retention was extended. */
    public long extended() {
        return applied.stream().filter(Applied::extended).count();
    }

    /** Deletions the floor kept back: withheld by the share limit, or kept only as one of the newest verified. */
    public long refusedByFloor() {
        return plan.decisions().stream().filter(d -> !d.deletes()
                && ((plan.refused() && d.reason().startsWith("withheld")) || (d.floor() && d.roles().isEmpty()))).count();
    }

    public Map<StorageTier, Long> objectsPerTier() {
        Map<StorageTier, Long> objects = new EnumMap<>(StorageTier.class);
        plan.kept().stream().filter(d -> d.tier() != null).forEach(d -> objects.merge(d.tier(), 1L, Long::sum));
        return objects;
    }

    public Map<StorageTier, Long> bytesPerTier() {
        Map<StorageTier, Long> bytes = new EnumMap<>(StorageTier.class);
        plan.kept().stream().filter(d -> d.tier() != null)
                .forEach(d -> bytes.merge(d.tier(), d.backup().size(), Long::sum));
        return bytes;
    }
}
