package dev.pgvault.retention;

import dev.pgvault.repository.ArtifactCatalog;
import dev.pgvault.repository.ArtifactKey;
import dev.pgvault.repository.ArtifactType;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.run.Cancellation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Retention of the configuration and code backups: every series ({@link
 * dev.pgvault.repository.ArtifactKey#series()}, one per form and name) is planned by
 * {@link RetentionPlanner} on its own, with {@link ArtifactPolicies}, and what a plan deletes is
 * deleted as {@link TieringService} deletes database backups (every version; never a locked one,
 * which is reported). Only complete backups (with their manifest) are planned, so an interrupted
 * upload is never touched; nothing is tagged for a colder class or locked longer: these files are
 * small and stay in Standard.
 *
 * <p>These backups have no verification runs: a complete one, with its signed manifest, counts as
 * verified, so the newest {@link ArtifactPolicies#keepNewest()} of each series are the floor.
 */
public final class ArtifactRetention {
    /** A deleted file's manifest, signature and any lock left by an upload that died after its manifest. */
    private static final List<Sidecar> DELETED_WITH_A_FILE = List.of(Sidecar.MANIFEST_SIGNATURE, Sidecar.MANIFEST,
            Sidecar.LOCK);

    private final BackupStore store;
    private final TieringService deletes;

    public ArtifactRetention(BackupStore store) {
        this.store = store;
        this.deletes = new TieringService(store);
    }

    /** One report per configuration or code series in the store, in the order config then code, by series. */
    public List<TieringReport> run(ArtifactPolicies policies, Instant now, boolean dryRun, Cancellation cancellation) {
        List<TieringReport> reports = new ArrayList<>();
        for (ArtifactType type : List.of(ArtifactType.CONFIG, ArtifactType.CODE)) {
            Map<String, List<BackupFacts>> series = new TreeMap<>();
            for (ArtifactCatalog.Entry entry : new ArtifactCatalog(store).list(type)) {
                series.computeIfAbsent(entry.key().series(), s -> new ArrayList<>())
                        .add(facts(entry.key(), entry.object().size()));
            }
            for (Map.Entry<String, List<BackupFacts>> one : series.entrySet()) {
                cancellation.check();
                RetentionPlan plan = plan(one.getKey(), one.getValue(), policies.policy(type), now);
                reports.add(apply(plan, now, dryRun, cancellation));
            }
        }
        return reports;
    }

    /** What the plan knows of a complete configuration or code backup: it counts as verified (see above). */
    static BackupFacts facts(ArtifactKey key, long size) {
        return new BackupFacts(key, size, Checked.VERIFIED);
    }

    /** The plan of one series, every kept file in Standard. */
    static RetentionPlan plan(String series, List<BackupFacts> backups, RetentionPolicy policy, Instant now) {
        return inStandard(RetentionPlanner.plan(series, backups, policy, now));
    }

    private TieringReport apply(RetentionPlan plan, Instant now, boolean dryRun, Cancellation cancellation) {
        List<Applied> applied = new ArrayList<>();
        for (Decision decision : plan.decisions()) {
            if (dryRun) {
                applied.add(new Applied(decision.key(), Applied.What.PLANNED,
                        decision.action().name().toLowerCase(Locale.ROOT)));
            } else if (decision.deletes()) {
                cancellation.check();
                applied.add(deletes.delete(decision.key(), now, DELETED_WITH_A_FILE));
            } else {
                applied.add(new Applied(decision.key(), Applied.What.UNCHANGED, "kept in STANDARD"));
            }
        }
        return new TieringReport(plan, applied, List.of(), dryRun);
    }

    /**
     * The plan with every kept file in Standard and no lock extension: these are not tiered. The
     * planner's note on why a weekly file stays warmer than Standard-IA is dropped with the tier it explains.
     */
    private static RetentionPlan inStandard(RetentionPlan plan) {
        List<Decision> decisions = plan.decisions().stream()
                .map(d -> d.deletes() ? d : new Decision(d.backup(), d.action(), d.roles(), StorageTier.STANDARD, null,
                        d.floor(), d.reason().replaceAll("; stays in [A-Z_]+: [^;]*", "")))
                .toList();
        return new RetentionPlan(plan.backupName(), plan.now(), plan.policy(), plan.anchor(), decisions, plan.refusal());
    }
}
