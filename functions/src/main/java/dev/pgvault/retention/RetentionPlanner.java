package dev.pgvault.retention;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The retention policy as a pure function: {@link #plan} looks at nothing but its arguments.
 *
 * <p><b>The rule.</b> Every window is counted in calendar periods (UTC days, ISO weeks, months,
 * years) back from the day of the newest <em>good</em> backup (complete, and its last verification
 * did not fail), never from {@code now}: if backups stop, the windows stop moving and nothing
 * expires. The backup that represents a period is the newest good backup of that period (as restic
 * and borg choose): it is the most recent state the period saw, and a period still in progress
 * keeps moving its representative forward instead of pinning the first day. When that
 * representative is not verified, the newest verified backup of the period is kept with it, so a
 * verified representative is only ever replaced by a newer verified one. One backup can represent
 * several periods (the last Sunday of a year is daily, weekly, monthly and yearly at once).
 *
 * <p><b>The floor.</b> The newest {@link RetentionPolicy#keepVerified()} verified backups are never
 * deleted. A plan that would delete more than {@link RetentionPolicy#maxDeleteShare()} of the
 * name's backups deletes nothing and says why. Backups whose verification failed represent nothing;
 * they are kept while in the daily window (evidence), then deleted. Manual backups are never
 * deleted or moved. Backups of other names are not in the plan at all.
 *
 * <p><b>Tiers.</b> A kept backup belongs in the tier of its warmest role still in its window
 * (daily: Standard, weekly: Standard-IA, monthly: Glacier, yearly: Deep Archive), so it only ever
 * moves colder, as S3 Lifecycle can, and never back from the tier it is tagged with. A tier whose
 * minimum storage duration is longer than the time left to the end of the backup's last role is
 * skipped for the next warmer one; a backup that expires sooner than its tier's minimum after it
 * entered it (the windows jump after a gap in backups) is kept to that minimum, which costs the
 * same as the early-deletion fee. Its Object Lock retain-until date is the end of its last role's window, counting only periods already closed
 * (the representative of the current week, month or year changes daily; a lock cannot be shortened).
 */
public final class RetentionPlanner {

    private RetentionPlanner() {}

    /**
     * The plan for the series {@code backupName} ({@link dev.pgvault.repository.RetainedKey#series()}: a
     * database backup name, or a config or code series); backups of other series are left out.
     */
    public static RetentionPlan plan(String backupName, Collection<BackupFacts> backups, RetentionPolicy policy,
                                     Instant now) {
        List<BackupFacts> mine = backups.stream()
                .filter(b -> b.key().series().equals(backupName))
                .sorted(Comparator.comparing((BackupFacts b) -> b.key().time()).thenComparing(b -> b.key().key()))
                .toList();
        Map<BackupFacts, Decision> decisions = new IdentityHashMap<>();
        List<BackupFacts> candidates = new ArrayList<>();
        for (BackupFacts backup : mine) {
            if (backup.key().manual()) {
                decisions.put(backup, keep(backup, "manual backup: kept where it is until deleted by hand"));
            } else if (backup.key().instant().isAfter(now)) {
                decisions.put(backup, keep(backup, "dated after the plan's time " + now + ": left as it is"));
            } else {
                candidates.add(backup);
            }
        }
        Optional<LocalDate> anchor = candidates.stream().filter(BackupFacts::good).map(RetentionPlanner::day)
                .max(Comparator.naturalOrder());
        if (anchor.isEmpty()) {
            for (BackupFacts backup : candidates) {
                decisions.put(backup, keep(backup, "no good backup of " + backupName
                        + " to measure the windows from: nothing is deleted"));
            }
        } else {
            new Windows(policy, anchor.get(), candidates, LocalDate.ofInstant(now, ZoneOffset.UTC)).decide(decisions);
        }
        List<Decision> ordered = mine.stream().map(decisions::get).toList();
        return withShareLimit(backupName, now, policy, anchor, ordered);
    }

    /** Withholds every deletion when there are more than the policy allows in one run. */
    private static RetentionPlan withShareLimit(String backupName, Instant now, RetentionPolicy policy,
                                                Optional<LocalDate> anchor, List<Decision> decisions) {
        long deletions = decisions.stream().filter(Decision::deletes).count();
        if (deletions == 0 || deletions <= policy.maxDeleteShare() * decisions.size()) {
            return new RetentionPlan(backupName, now, policy, anchor, decisions, Optional.empty());
        }
        String refusal = String.format(Locale.ROOT, "the plan would delete %d of the %d backups of %s (%.0f%%), more"
                        + " than the %.0f%% one run may delete: nothing is deleted. If that is intended (a first run over"
                        + " an old repository, a shorter policy), allow it once with a larger maximum delete share",
                deletions, decisions.size(), backupName, 100.0 * deletions / decisions.size(),
                100 * policy.maxDeleteShare());
        List<Decision> withheld = decisions.stream()
                .map(d -> d.deletes() ? new Decision(d.backup(), Decision.Action.KEEP, Map.of(), null, null, d.floor(),
                        "withheld (" + d.reason() + "): the plan deletes too much at once") : d)
                .toList();
        return new RetentionPlan(backupName, now, policy, anchor, withheld, Optional.of(refusal));
    }

    private static Decision keep(BackupFacts backup, String reason) {
        return new Decision(backup, Decision.Action.KEEP, Map.of(), null, null, false, reason);
    }

    static LocalDate day(BackupFacts backup) {
        return backup.key().time().toLocalDate();
    }

    /** The windows around one anchor day, and which backups hold which role. */
    private static final class Windows {
        private final RetentionPolicy policy;
        private final LocalDate anchor;
        private final List<BackupFacts> candidates;
        private final LocalDate today;
        /** For each role, the backups that represent their period of it (in the window or not), and how. */
        private final Map<Role, Map<BackupFacts, String>> holders = new EnumMap<>(Role.class);

        Windows(RetentionPolicy policy, LocalDate anchor, List<BackupFacts> candidates, LocalDate today) {
            this.policy = policy;
            this.today = today;
            this.anchor = anchor;
            this.candidates = candidates;
            for (Role role : Role.values()) {
                holders.put(role, role == Role.DAILY ? dailies() : representatives(role));
            }
        }

        private Map<BackupFacts, String> dailies() {
            Map<BackupFacts, String> dailies = new IdentityHashMap<>();
            candidates.stream().filter(BackupFacts::good).forEach(b -> dailies.put(b, "in the daily window"));
            return dailies;
        }

        /** The newest good backup of each period, and the newest verified one when that is not it. */
        private Map<BackupFacts, String> representatives(Role role) {
            Map<BackupFacts, String> chosen = new IdentityHashMap<>();
            if (policy.periods(role) == 0) {
                return chosen;
            }
            Map<LocalDate, List<BackupFacts>> byPeriod = new TreeMap<>();
            for (BackupFacts backup : candidates) {
                if (backup.good()) {
                    byPeriod.computeIfAbsent(role.periodStart(day(backup)), p -> new ArrayList<>()).add(backup);
                }
            }
            String period = role == Role.WEEKLY ? "ISO week" : role == Role.MONTHLY ? "month" : "year";
            for (List<BackupFacts> inPeriod : byPeriod.values()) {
                BackupFacts newest = inPeriod.get(inPeriod.size() - 1); // candidates are in time order
                chosen.put(newest, "newest good backup of the " + period);
                if (newest.checked() != Checked.VERIFIED) {
                    for (int i = inPeriod.size() - 1; i >= 0; i--) {
                        if (inPeriod.get(i).checked() == Checked.VERIFIED) {
                            chosen.put(inPeriod.get(i), "newest verified backup of the " + period
                                    + ", until a newer one of it is verified");
                            break;
                        }
                    }
                }
            }
            return chosen;
        }

        private boolean inWindow(Role role, BackupFacts backup) {
            return role.periodsBetween(day(backup), anchor) < policy.periods(role);
        }

        /** The first day {@code role} no longer keeps {@code backup}, when the anchor moves on. */
        private LocalDate expiry(Role role, BackupFacts backup) {
            return role.shift(role.periodStart(day(backup)), policy.periods(role));
        }

        void decide(Map<BackupFacts, Decision> decisions) {
            Set<BackupFacts> floor = floor();
            for (BackupFacts backup : candidates) {
                Map<Role, String> roles = new LinkedHashMap<>();
                List<String> why = new ArrayList<>();
                for (Role role : Role.values()) {
                    String how = holders.get(role).get(backup);
                    if (how != null && inWindow(role, backup)) {
                        roles.put(role, role.label(day(backup)));
                        why.add(role.word() + " " + role.label(day(backup)) + " (" + how + ")");
                    }
                }
                boolean floored = floor.contains(backup);
                if (floored) {
                    why.add("one of the newest " + policy.keepVerified() + " verified backups, never deleted");
                }
                decisions.put(backup, decide(backup, roles, floored, why));
            }
        }

        private Decision decide(BackupFacts backup, Map<Role, String> roles, boolean floored, List<String> why) {
            if (!roles.isEmpty()) {
                Role warmest = roles.keySet().iterator().next();
                StorageTier tier = tier(backup, warmest, why);
                Instant retainUntil = lockExpiry(backup).atStartOfDay().toInstant(ZoneOffset.UTC);
                return new Decision(backup, Decision.Action.KEEP, roles, tier, retainUntil, floored, String.join("; ", why));
            }
            if (floored) {
                return new Decision(backup, Decision.Action.KEEP, roles, null, null, true, String.join("; ", why));
            }
            if (!backup.good() && Role.DAILY.periodsBetween(day(backup), anchor) < policy.dailyDays()) {
                return new Decision(backup, Decision.Action.KEEP, roles, StorageTier.STANDARD, null, false,
                        "verification failed, so it represents no period; kept while in the daily window");
            }
            if (backup.tier() != null && backup.tierSince() != null
                    && backup.tierSince().plusDays(backup.tier().minimumDays()).isAfter(today)) {
                return new Decision(backup, Decision.Action.KEEP, roles, backup.tier(), null, false,
                        "expired, but in " + backup.tier() + " only since " + backup.tierSince() + ": kept to its "
                                + backup.tier().minimumDays() + "-day minimum storage duration (an earlier delete"
                                + " bills the rest anyway)");
            }
            String reason = backup.good()
                    ? "older than the daily window (" + policy.dailyDays() + " days to " + anchor
                            + ") and represents no week, month or year still kept"
                    : "verification failed and it is older than the daily window (" + policy.dailyDays() + " days to "
                            + anchor + ")";
            return new Decision(backup, Decision.Action.DELETE, roles, null, null, false, reason);
        }

        /** The newest verified backups, which no window may delete. */
        private Set<BackupFacts> floor() {
            List<BackupFacts> verified = candidates.stream().filter(b -> b.checked() == Checked.VERIFIED).toList();
            return new HashSet<>(verified.subList(Math.max(0, verified.size() - policy.keepVerified()), verified.size()));
        }

        private LocalDate lastExpiry(BackupFacts backup) {
            LocalDate last = expiry(Role.DAILY, backup);
            for (Role role : Role.values()) {
                if (holders.get(role).containsKey(backup) && expiry(role, backup).isAfter(last)) {
                    last = expiry(role, backup);
                }
            }
            return last;
        }

        /**
         * The end of the last window that keeps the backup for a period already closed (a newer good
         * backup lies in a later period): the representative of a period still open changes every
         * day, and a lock extended for it could not be taken back.
         */
        private LocalDate lockExpiry(BackupFacts backup) {
            LocalDate last = expiry(Role.DAILY, backup);
            for (Role role : Role.values()) {
                if (holders.get(role).containsKey(backup) && role.periodsBetween(day(backup), anchor) > 0
                        && expiry(role, backup).isAfter(last)) {
                    last = expiry(role, backup);
                }
            }
            return last;
        }

        /**
         * The tier of the warmest role in its window, or a warmer one when the backup would leave
         * that tier's class before its minimum storage duration (counted from the anchor to the end
         * of its last role); never warmer than the tier it is in, which Lifecycle cannot undo.
         */
        private StorageTier tier(BackupFacts backup, Role warmest, List<String> why) {
            long days = ChronoUnit.DAYS.between(anchor, lastExpiry(backup));
            StorageTier tier = warmest.tier();
            while (tier.minimumDays() > days && tier.ordinal() > 0) {
                tier = StorageTier.values()[tier.ordinal() - 1];
            }
            if (tier != warmest.tier()) {
                why.add("stays in " + tier + ": " + days + " days left are under " + warmest.tier()
                        + "'s " + warmest.tier().minimumDays() + "-day minimum");
            }
            if (backup.tier() != null && backup.tier().compareTo(tier) > 0) {
                why.add("already in " + backup.tier() + ", which Lifecycle cannot warm");
                tier = backup.tier();
            }
            return tier;
        }
    }
}
