package dev.pgvault.retention;

import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plan for the backups of one name: a decision for every one of them (kept + deleted = all),
 * and, when the share limit stopped it, why nothing is deleted.
 *
 * @param anchor  the day of the newest good backup, from which every window is measured; empty when there is none
 * @param refusal why the deletions were withheld; empty when the plan deletes what it says
 */
public record RetentionPlan(String backupName, Instant now, RetentionPolicy policy, Optional<LocalDate> anchor,
                            List<Decision> decisions, Optional<String> refusal) {

    public RetentionPlan {
        decisions = List.copyOf(decisions);
    }

    public List<Decision> deletions() {
        return decisions.stream().filter(Decision::deletes).toList();
    }

    public List<Decision> kept() {
        return decisions.stream().filter(d -> !d.deletes()).toList();
    }

    /** Kept backups by the tier they belong in (manual backups, left as they are, are not counted). */
    public Map<StorageTier, Long> keptPerTier() {
        Map<StorageTier, Long> counts = new EnumMap<>(StorageTier.class);
        for (Decision decision : kept()) {
            if (decision.tier() != null) {
                counts.merge(decision.tier(), 1L, Long::sum);
            }
        }
        return counts;
    }

    public boolean refused() {
        return refusal.isPresent();
    }
}
