package dev.pgvault.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupKind;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Three years of daily runs (backup at 00:00, plan at 06:00, weekly verification on Mondays),
 * through ISO week 2026-W53, the leap day 2028-02-29, month and year ends, 40 days without
 * backups and weeks whose verification failed. The plan's deletions are applied each day and the
 * invariants are checked on every day's plan.
 */
class RetentionSimulationTest {
    private static final RetentionPolicy POLICY = RetentionPolicy.DEFAULTS;
    private static final LocalDate START = LocalDate.of(2026, 3, 1);
    private static final LocalDate END = LocalDate.of(2029, 3, 1);
    /** No backups from here for 40 days. */
    private static final LocalDate GAP_START = LocalDate.of(2027, 6, 20);
    private static final LocalDate GAP_END = GAP_START.plusDays(40);

    private final Map<String, BackupFacts> repository = new TreeMap<>();
    /** The tier each backup was first planned in, and the day it entered its current tier. */
    private final Map<String, StorageTier> tierOf = new HashMap<>();
    private final Map<String, LocalDate> tierSince = new HashMap<>();
    private final Map<String, java.time.Instant> retainUntilOf = new HashMap<>();
    private final List<LocalDate> refusals = new ArrayList<>();
    private int deleted;

    @Test
    void threeYearsOfDailyRunsKeepTheInvariantsEveryDay() {
        // Another database's backup in the same bucket: never planned, never deleted.
        BackupFacts stranger = facts("billing", LocalDate.of(2020, 1, 1), Checked.UNVERIFIED);
        repository.put(stranger.key().key(), stranger);
        for (LocalDate day = START; day.isBefore(END); day = day.plusDays(1)) {
            boolean gap = !day.isBefore(GAP_START) && day.isBefore(GAP_END);
            if (!gap) {
                BackupFacts backup = facts("auth-db", day, Checked.UNVERIFIED);
                repository.put(backup.key().key(), backup);
            }
            if (day.getDayOfWeek() == DayOfWeek.MONDAY) {
                verifyNewest(day);
            }
            RetentionPlan plan = RetentionPlanner.plan("auth-db", repository.values(), POLICY,
                    day.atTime(6, 0).toInstant(ZoneOffset.UTC));
            if (plan.refused()) {
                assertThat(plan.deletions()).as("a refused plan deletes nothing, %s", day).isEmpty();
                refusals.add(day);
                // The operator reads the alarm, checks, and allows this one run (pgvault tier --max-delete-share 1).
                check(day, plan);
                plan = RetentionPlanner.plan("auth-db", repository.values(),
                        new RetentionPolicy(30, 13, 12, 7, 7, 1.0), day.atTime(6, 0).toInstant(ZoneOffset.UTC));
            }
            check(day, plan);
            if (gap) {
                assertThat(plan.deletions()).as("nothing expires while backups are missing, %s", day).isEmpty();
            }
            apply(day, plan);
        }
        assertThat(repository).containsKey(stranger.key().key());
        // Only the day backups resumed after 40 days deleted more than 20% at once.
        assertThat(refusals).containsExactly(GAP_END);
        assertThat(deleted).isGreaterThan(900);
        RetentionPlan last = RetentionPlanner.plan("auth-db", repository.values(), POLICY,
                END.atStartOfDay().toInstant(ZoneOffset.UTC));
        // Steady state: 30 dailies, weeklies, monthlies, yearlies, plus guards for unverified representatives.
        assertThat(last.kept().size()).isBetween(50, 75);
        assertThat(last.keptPerTier()).containsKeys(StorageTier.STANDARD, StorageTier.STANDARD_IA,
                StorageTier.GLACIER, StorageTier.DEEP_ARCHIVE);
    }

    /** The verification of each Monday checks the newest backup; in every fifth ISO week it fails. */
    private void verifyNewest(LocalDate day) {
        BackupFacts newest = repository.values().stream().filter(b -> b.key().series().equals("auth-db"))
                .max(Comparator.comparing(b -> b.key().time())).orElseThrow();
        Checked result = day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR) % 5 == 0 ? Checked.FAILED : Checked.VERIFIED;
        repository.put(newest.key().key(), newest.checked(result));
    }

    private void check(LocalDate day, RetentionPlan plan) {
        List<BackupFacts> mine = repository.values().stream().filter(b -> b.key().series().equals("auth-db")).toList();
        // kept + deleted = all, and nothing of another name.
        assertThat(plan.decisions()).as("every backup decided, %s", day).hasSize(mine.size());
        assertThat(plan.decisions()).allMatch(d -> d.backup().key().series().equals("auth-db"));
        Set<String> deleting = plan.deletions().stream().map(Decision::key).collect(Collectors.toSet());
        // The anchor is the newest good backup, never today.
        LocalDate anchor = mine.stream().filter(BackupFacts::good).map(RetentionPlanner::day)
                .max(Comparator.naturalOrder()).orElseThrow();
        assertThat(plan.anchor()).contains(anchor);
        // Floor: the newest 7 verified backups are never deleted.
        mine.stream().filter(b -> b.checked() == Checked.VERIFIED)
                .sorted(Comparator.comparing((BackupFacts b) -> b.key().time()).reversed()).limit(POLICY.keepVerified())
                .forEach(b -> assertThat(deleting).as("floor on %s", day).doesNotContain(b.key().key()));
        // Nothing in the daily window is deleted.
        mine.stream().filter(b -> RetentionPlanner.day(b).isAfter(anchor.minusDays(POLICY.dailyDays())))
                .forEach(b -> assertThat(deleting).as("daily window on %s", day).doesNotContain(b.key().key()));
        for (Role role : List.of(Role.WEEKLY, Role.MONTHLY, Role.YEARLY)) {
            Map<String, List<BackupFacts>> periods = new LinkedHashMap<>();
            for (BackupFacts b : mine) {
                if (b.good() && role.periodsBetween(RetentionPlanner.day(b), anchor) < POLICY.periods(role)) {
                    periods.computeIfAbsent(role.label(RetentionPlanner.day(b)), p -> new ArrayList<>()).add(b);
                }
            }
            assertThat(periods.size()).as("%s periods in the window on %s", role, day).isLessThanOrEqualTo(POLICY.periods(role));
            for (var period : periods.entrySet()) {
                BackupFacts newest = period.getValue().get(period.getValue().size() - 1);
                assertThat(deleting).as("representative of %s on %s", period.getKey(), day).doesNotContain(newest.key().key());
                Optional<BackupFacts> verified = period.getValue().stream().filter(b -> b.checked() == Checked.VERIFIED)
                        .reduce((a, b) -> b);
                verified.ifPresent(v -> assertThat(deleting)
                        .as("newest verified of %s on %s (no newer verified replacement)", period.getKey(), day)
                        .doesNotContain(v.key().key()));
            }
            long holders = plan.kept().stream().filter(d -> d.roles().containsKey(role)).count();
            assertThat(holders).as("%s kept on %s", role, day).isLessThanOrEqualTo(2L * POLICY.periods(role));
        }
        // Failed backups never represent a period.
        plan.decisions().stream().filter(d -> !d.backup().good())
                .forEach(d -> assertThat(d.roles()).as("failed %s on %s", d.key(), day).isEmpty());
        for (Decision decision : plan.kept()) {
            String key = decision.key();
            if (decision.tier() != null) {
                StorageTier before = tierOf.get(key);
                assertThat(before == null || decision.tier().compareTo(before) >= 0)
                        .as("%s only moves colder: %s then %s on %s", key, before, decision.tier(), day).isTrue();
            }
            if (decision.retainUntil() != null && retainUntilOf.containsKey(key)) {
                assertThat(decision.retainUntil()).as("lock of %s on %s only extends", key, day)
                        .isAfterOrEqualTo(retainUntilOf.get(key));
            }
        }
        for (Decision decision : plan.deletions()) {
            StorageTier tier = tierOf.getOrDefault(decision.key(), StorageTier.STANDARD);
            long days = java.time.temporal.ChronoUnit.DAYS.between(tierSince.getOrDefault(decision.key(), day), day);
            if (tierSince.containsKey(decision.key())) {
                assertThat(days).as("%s deleted %d days after entering %s on %s", decision.key(), days, tier, day)
                        .isGreaterThanOrEqualTo(tier.minimumDays());
            }
        }
    }

    private void apply(LocalDate day, RetentionPlan plan) {
        for (Decision decision : plan.decisions()) {
            if (decision.deletes()) {
                repository.remove(decision.key());
                deleted++;
                continue;
            }
            if (decision.tier() != null && decision.tier() != tierOf.get(decision.key())) {
                tierOf.put(decision.key(), decision.tier());
                tierSince.put(decision.key(), day);
                repository.put(decision.key(), repository.get(decision.key()).tiered(decision.tier(), day));
            }
            if (decision.retainUntil() != null) {
                retainUntilOf.merge(decision.key(), decision.retainUntil(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
    }

    static BackupFacts facts(String name, LocalDate day, Checked checked) {
        return new BackupFacts(new BackupKey(BackupKind.DAILY, name, day.atStartOfDay(), ".sql.gz"), 1000, checked);
    }
}
