package dev.pgvault.retention;

import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.ObjectStates;
import dev.pgvault.repository.ObjectStates.ObjectState;
import dev.pgvault.repository.ObjectStates.Removal;
import dev.pgvault.repository.StoredObject;
import dev.pgvault.run.Cancellation;
import dev.pgvault.verify.VerificationRecord;
import dev.pgvault.verify.VerificationStatus;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the backups of one name with their verification records and tier tags, asks
 * {@link RetentionPlanner} for the plan, and applies it: tier tags (S3 Lifecycle moves the class;
 * the object is never copied), Object Lock extensions for the backup and the sidecars kept with it,
 * deletes of every version of what the plan deletes. Only the plan decides; this class only
 * compares it with what is stored, so a second run the same day sends nothing.
 *
 * <p>A delete removes the backup object first, then its signature, manifest and verification
 * record: a run stopped midway leaves sidecars without an object, which nothing takes for a backup,
 * and the next run removes them ({@link TieringReport#orphansRemoved()}). A lock file is never
 * touched: it belongs to a run writing a backup.
 */
public final class TieringService {
    /** The tag with the day a backup entered its tier, from which its minimum storage duration counts. */
    public static final String SINCE_TAG = "pgvault-tier-since";
    private static final List<Sidecar> DELETED_WITH_A_BACKUP = List.of(Sidecar.MANIFEST_SIGNATURE, Sidecar.MANIFEST,
            Sidecar.VERIFICATION);

    private final BackupStore store;
    private final Optional<ObjectStates> states;

    public TieringService(BackupStore store) {
        this.store = store;
        this.states = store.objectStates();
    }

    /** The plan for {@code backupName} at {@code now}, applied unless {@code dryRun}. */
    public TieringReport run(String backupName, RetentionPolicy policy, Instant now, boolean dryRun) {
        return run(backupName, policy, now, dryRun, Cancellation.none());
    }

    /**
     * The same, stopping between two backups when {@code cancellation} fires (the watchdog, a signal):
     * every backup is either done or untouched, and the next run finishes the plan.
     */
    public TieringReport run(String backupName, RetentionPolicy policy, Instant now, boolean dryRun,
                             Cancellation cancellation) {
        BackupKey.checkName(backupName);
        Map<String, ObjectState> stored = new HashMap<>();
        List<BackupFacts> facts = new ArrayList<>();
        for (BackupCatalog.Entry entry : new BackupCatalog(store).list()) {
            if (!entry.key().backupName().equals(backupName)) {
                continue; // another database's backups: not read, not planned, not touched
            }
            String key = entry.key().key();
            Optional<ObjectState> state = states.flatMap(s -> s.state(key));
            state.ifPresent(s -> stored.put(key, s));
            facts.add(new BackupFacts(entry.key(), entry.object().size(), checked(entry),
                    state.flatMap(s -> tier(s.tags())).orElse(null), state.flatMap(s -> since(s.tags())).orElse(null)));
        }
        RetentionPlan plan = RetentionPlanner.plan(backupName, facts, policy, now);
        if (dryRun) {
            List<Applied> planned = plan.decisions().stream()
                    .map(d -> new Applied(d.key(), Applied.What.PLANNED, d.action().name().toLowerCase(java.util.Locale.ROOT))).toList();
            return new TieringReport(plan, planned, List.of(), true);
        }
        // Listed only when the plan is applied: a dry run (tier --dry-run, erase report) reads no more than it plans from.
        List<String> orphans = removeOrphans(backupName, store.list(""), now);
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        List<Applied> applied = new ArrayList<>();
        for (Decision decision : plan.decisions()) {
            cancellation.check();
            applied.add(decision.deletes() ? delete(decision.key(), now, DELETED_WITH_A_BACKUP)
                    : keep(decision, stored.get(decision.key()), today));
        }
        return new TieringReport(plan, applied, orphans, false);
    }

    /** The last verification's verdict: only OK verifies; a check of integrity alone neither verifies nor fails. */
    private Checked checked(BackupCatalog.Entry entry) {
        if (entry.verification().isEmpty()) {
            return Checked.UNVERIFIED;
        }
        Optional<VerificationRecord> record = VerificationRecord.load(store, entry.key().key());
        if (record.isEmpty()) {
            return Checked.UNVERIFIED;
        }
        String status = record.get().status();
        if (VerificationStatus.OK.name().equals(status)) {
            return Checked.VERIFIED;
        }
        return VerificationStatus.INTEGRITY_ONLY.name().equals(status) ? Checked.UNVERIFIED : Checked.FAILED;
    }

    private Applied keep(Decision decision, ObjectState state, LocalDate today) {
        if (states.isEmpty() || state == null) {
            return new Applied(decision.key(), Applied.What.UNCHANGED, "no tiers in " + store.location());
        }
        ObjectStates s3 = states.get();
        List<String> done = new ArrayList<>();
        boolean tagged = false;
        boolean extended = false;
        if (decision.tier() != null && !decision.tier().s3Name().equals(state.tags().get(StorageTier.TAG))) {
            s3.putTags(decision.key(), Map.of(StorageTier.TAG, decision.tier().s3Name(), SINCE_TAG, today.toString()));
            done.add("tagged " + decision.tier().s3Name());
            tagged = true;
        }
        Instant until = decision.retainUntil();
        if (until != null && state.retainUntil() != null && state.retainUntil().isBefore(until)) {
            s3.extendRetention(decision.key(), until);
            for (Sidecar sidecar : Sidecar.values()) {
                if (sidecar.retainedUnderObjectLock()) {
                    String key = sidecar.keyFor(decision.key());
                    if (s3.state(key).isPresent()) {
                        s3.extendRetention(key, until);
                    }
                }
            }
            done.add("retained until " + until);
            extended = true;
        }
        return new Applied(decision.key(), tagged || extended ? Applied.What.UPDATED : Applied.What.UNCHANGED, tagged,
                extended, done.isEmpty() ? "as planned already" : String.join(", ", done));
    }

    /**
     * Deletes {@code key} (every version, where the store keeps versions), then {@code sidecars}; a
     * locked or refused object is left and reported, with its sidecars untouched.
     */
    Applied delete(String key, Instant now, List<Sidecar> sidecars) {
        if (states.isEmpty()) {
            store.delete(key);
            for (Sidecar sidecar : sidecars) {
                store.delete(sidecar.keyFor(key));
            }
            return new Applied(key, Applied.What.DELETED, "deleted with its sidecars");
        }
        Removal removal = states.get().deleteAllVersions(key, now);
        if (removal.outcome() == Removal.Outcome.LOCKED) {
            return new Applied(key, Applied.What.LOCKED, "left: " + removal.detail());
        }
        if (removal.outcome() == Removal.Outcome.REFUSED) {
            return new Applied(key, Applied.What.REFUSED, "left: " + removal.detail());
        }
        List<String> left = new ArrayList<>();
        for (Sidecar sidecar : sidecars) {
            Removal side = states.get().deleteAllVersions(sidecar.keyFor(key), now);
            if (side.outcome() == Removal.Outcome.LOCKED || side.outcome() == Removal.Outcome.REFUSED) {
                left.add(side.detail());
            }
        }
        return new Applied(key, Applied.What.DELETED, left.isEmpty() ? "deleted with its sidecars"
                : "deleted; left for a later run: " + String.join("; ", left));
    }

    /** Signatures, manifests and verification records of this name whose backup object is gone. */
    private List<String> removeOrphans(String backupName, List<StoredObject> listing, Instant now) {
        Set<String> keys = new HashSet<>();
        listing.forEach(o -> keys.add(o.key()));
        List<String> removed = new ArrayList<>();
        for (String key : keys.stream().sorted().toList()) {
            for (Sidecar sidecar : DELETED_WITH_A_BACKUP) {
                if (!key.endsWith(sidecar.suffix())) {
                    continue;
                }
                String object = key.substring(0, key.length() - sidecar.suffix().length());
                Optional<BackupKey> parsed = BackupKey.parse(object);
                if (parsed.isPresent() && parsed.get().backupName().equals(backupName) && !keys.contains(object)) {
                    if (states.isEmpty()) {
                        store.delete(key);
                        removed.add(key);
                    } else if (states.get().deleteAllVersions(key, now).outcome() == Removal.Outcome.DELETED) {
                        removed.add(key);
                    }
                }
            }
        }
        return removed;
    }

    private static Optional<StorageTier> tier(Map<String, String> tags) {
        return StorageTier.ofS3(tags.get(StorageTier.TAG)).filter(t -> tags.containsKey(StorageTier.TAG));
    }

    private static Optional<LocalDate> since(Map<String, String> tags) {
        try {
            return Optional.ofNullable(tags.get(SINCE_TAG)).map(LocalDate::parse);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
