package dev.pgvault.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The policy on tables of dates, and on golden files of whole plans. */
class RetentionPlannerTest {
    private static final RetentionPolicy DEFAULTS = RetentionPolicy.DEFAULTS;

    /** One row: backups (day + check), the plan's time, and the roles expected for some of the days. */
    record Row(String name, List<BackupFacts> backups, String now, Map<String, String> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                // ISO week 53 of 2026 runs from Monday 2026-12-28 to Sunday 2027-01-03: its Sunday represents
                // the week 2026-W53, and also January and 2027 (the newest good backup of both so far).
                row("iso week 53", days("2026-12-27", "2027-01-03"), "2027-01-03T06:00:00Z", Map.of(
                        "2026-12-27", "daily 2026-12-27, weekly 2026-W52",
                        "2026-12-31", "daily 2026-12-31, monthly 2026-12, yearly 2026",
                        "2027-01-03", "daily 2027-01-03, weekly 2026-W53, monthly 2027-01, yearly 2027")),
                // The leap day is the newest of February 2028, and of its ISO week 2028-W09 (Tuesday) for now.
                row("leap day", days("2028-02-20", "2028-02-29"), "2028-02-29T06:00:00Z", Map.of(
                        "2028-02-29", "daily 2028-02-29, weekly 2028-W09, monthly 2028-02, yearly 2028",
                        "2028-02-27", "daily 2028-02-27, weekly 2028-W08")),
                // Failed newest backup: the one before represents the week; the failed one is kept as evidence.
                row("failed newest", with(days("2026-11-16", "2026-11-22"), "2026-11-22", Checked.FAILED),
                        "2026-11-23T06:00:00Z", Map.of(
                                "2026-11-21", "daily 2026-11-21, weekly 2026-W47, monthly 2026-11, yearly 2026",
                                "2026-11-22", "-")),
                // The representative is unverified: the newest verified one of the week is kept with it.
                row("verified guard", with(days("2026-11-02", "2026-12-31"), "2026-11-03", Checked.VERIFIED),
                        "2026-12-31T06:00:00Z", Map.of(
                                "2026-11-03", "weekly 2026-W45, monthly 2026-11, yearly 2026",
                                "2026-11-08", "weekly 2026-W45",
                                "2026-11-04", "delete")),
                // Backups stopped years ago: windows are measured from the newest, nothing expires.
                row("stopped long ago", days("2020-01-01", "2020-01-10"), "2031-06-01T00:00:00Z", Map.of(
                        "2020-01-01", "daily 2020-01-01",
                        "2020-01-05", "daily 2020-01-05, weekly 2020-W01",
                        "2020-01-10", "daily 2020-01-10, weekly 2020-W02, monthly 2020-01, yearly 2020")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void rolesAsTabled(Row row) {
        RetentionPlan plan = RetentionPlanner.plan("auth-db", row.backups(), new RetentionPolicy(30, 13, 12, 7, 7, 1.0),
                Instant.parse(row.now()));
        for (var expected : row.expected().entrySet()) {
            Decision decision = plan.decisions().stream()
                    .filter(d -> d.backup().key().time().toLocalDate().toString().equals(expected.getKey()))
                    .findFirst().orElseThrow();
            String actual = decision.deletes() ? "delete" : PlanTable.periods(decision);
            assertThat(actual).as("%s: %s (%s)", row.name(), expected.getKey(), decision.reason())
                    .isEqualTo(expected.getValue());
        }
        assertThat(plan.decisions()).hasSize(row.backups().size());
    }

    @Test
    void theOnlyBackupYearsOldIsNeverDeletedWhateverTheClockSays() {
        List<BackupFacts> one = List.of(day("2019-05-05", Checked.UNVERIFIED));
        for (String now : List.of("2019-05-05T03:00:00Z", "2024-01-01T00:00:00Z", "2099-12-31T23:59:59Z")) {
            RetentionPlan plan = RetentionPlanner.plan("auth-db", one, DEFAULTS, Instant.parse(now));
            assertThat(plan.deletions()).as(now).isEmpty();
            assertThat(plan.anchor()).contains(LocalDate.of(2019, 5, 5));
        }
    }

    @Test
    void aPlanDeletingMoreThanTheShareDeletesNothingAndSaysWhy() {
        // 60 dailies, then a policy of 7 days without weeks/months/years: 53 would go.
        List<BackupFacts> backups = days("2026-01-01", "2026-03-01");
        RetentionPolicy shortPolicy = new RetentionPolicy(7, 0, 0, 0, 7, 0.20);
        RetentionPlan plan = RetentionPlanner.plan("auth-db", backups, shortPolicy, Instant.parse("2026-03-01T06:00:00Z"));
        assertThat(plan.deletions()).isEmpty();
        assertThat(plan.refusal()).get().asString().contains("would delete 53 of the 60 backups of auth-db")
                .contains("more than the 20%");
        assertThat(plan.kept()).hasSize(60);
        RetentionPlan allowed = RetentionPlanner.plan("auth-db", backups,
                new RetentionPolicy(7, 0, 0, 0, 7, 1.0), Instant.parse("2026-03-01T06:00:00Z"));
        assertThat(allowed.deletions()).hasSize(53);
        assertThat(allowed.refused()).isFalse();
    }

    @Test
    void theNewestVerifiedBackupsAreKeptOutsideEveryWindow() {
        List<BackupFacts> backups = new ArrayList<>(with(days("2026-01-01", "2026-01-10"), "2026-01-02", Checked.VERIFIED));
        backups.addAll(days("2026-06-01", "2026-06-30"));
        RetentionPolicy noPeriods = new RetentionPolicy(30, 0, 0, 0, 7, 1.0);
        RetentionPlan plan = RetentionPlanner.plan("auth-db", backups, noPeriods, Instant.parse("2026-06-30T06:00:00Z"));
        Decision floor = plan.decisions().stream().filter(d -> d.key().contains("2026-01-02")).findFirst().orElseThrow();
        assertThat(floor.deletes()).isFalse();
        assertThat(floor.floor()).isTrue();
        assertThat(floor.reason()).contains("newest 7 verified backups");
        assertThat(plan.deletions()).hasSize(9);
    }

    @Test
    void manualBackupsAndOtherNamesAreNeverTouched() {
        List<BackupFacts> backups = new ArrayList<>(days("2026-01-01", "2026-04-30"));
        backups.add(new BackupFacts(BackupKey.parse("manual/auth-db-manual-2026-01-05-101530.sql.gz").orElseThrow(), 1,
                Checked.UNVERIFIED));
        backups.add(new BackupFacts(BackupKey.parse("daily/billing-backup-2026-01-05.sql.gz").orElseThrow(), 1,
                Checked.UNVERIFIED));
        RetentionPlan plan = RetentionPlanner.plan("auth-db", backups,
                new RetentionPolicy(30, 13, 12, 7, 7, 1.0), Instant.parse("2026-04-30T06:00:00Z"));
        assertThat(plan.decisions()).noneMatch(d -> d.key().contains("billing"));
        Decision manual = plan.decisions().stream().filter(d -> d.key().startsWith("manual/")).findFirst().orElseThrow();
        assertThat(manual.deletes()).isFalse();
        assertThat(manual.tier()).isNull();
        assertThat(plan.deletions()).isNotEmpty();
    }

    @Test
    void aTierWhoseMinimumOutlastsTheBackupIsSkipped() {
        // Monthlies kept 4 months: on 2026-05-10, March's has 52 days left (no Glacier, 90), February's 22 (no IA, 30).
        RetentionPolicy policy = new RetentionPolicy(30, 13, 4, 0, 7, 1.0);
        RetentionPlan plan = RetentionPlanner.plan("auth-db", days("2026-01-01", "2026-05-10"), policy,
                Instant.parse("2026-05-10T06:00:00Z"));
        Decision march = plan.decisions().stream().filter(d -> d.key().contains("2026-03-31")).findFirst().orElseThrow();
        assertThat(march.roles()).containsOnlyKeys(Role.MONTHLY);
        assertThat(march.tier()).isEqualTo(StorageTier.STANDARD_IA);
        assertThat(march.reason()).contains("52 days left are under GLACIER's 90-day minimum");
        Decision february = plan.decisions().stream().filter(d -> d.key().contains("2026-02-28")).findFirst().orElseThrow();
        assertThat(february.tier()).isEqualTo(StorageTier.STANDARD);
        Decision january = plan.decisions().stream().filter(d -> d.key().contains("2026-01-31")).findFirst().orElseThrow();
        assertThat(january.deletes()).isTrue();
    }

    @Test
    void anExpiredBackupIsKeptToItsTiersMinimumDuration() {
        List<BackupFacts> backups = new ArrayList<>(days("2026-03-01", "2026-06-30"));
        int i = backups.indexOf(day("2026-03-02", Checked.UNVERIFIED));
        backups.set(i, backups.get(i).tiered(StorageTier.GLACIER, LocalDate.of(2026, 6, 1)));
        RetentionPlan plan = RetentionPlanner.plan("auth-db", backups, new RetentionPolicy(30, 13, 12, 7, 7, 1.0),
                Instant.parse("2026-06-30T06:00:00Z"));
        Decision kept = plan.decisions().get(i);
        assertThat(kept.deletes()).isFalse();
        assertThat(kept.reason()).contains("90-day minimum storage duration");
        assertThat(plan.decisions().get(i + 1).deletes()).isTrue(); // 2026-03-03, never tiered
    }

    @Test
    void badPoliciesAreRefusedNamingTheNumber() {
        assertThatThrownBy(() -> new RetentionPolicy(0, 13, 12, 7, 7, 0.2)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("daily days must be at least 1, got 0");
        assertThatThrownBy(() -> new RetentionPolicy(30, 13, 12, 7, 7, 0)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("share");
        assertThatThrownBy(() -> new RetentionPolicy(30, -1, 12, 7, 7, 0.2)).hasMessageContaining("weekly weeks");
    }

    /**
     * Whole plans against files under {@code src/test/resources/retention/}. After an intended change of the
     * rule, regenerate them with {@code -Dretention.golden.update=true} and read the diff.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("goldenCases")
    void plansMatchTheirGoldenFiles(String name, List<BackupFacts> backups, RetentionPolicy policy, String now)
            throws IOException {
        RetentionPlan plan = RetentionPlanner.plan("auth-db", backups, policy, Instant.parse(now));
        String actual = PlanTable.render(plan);
        Path golden = Path.of("src/test/resources/retention", name + ".txt");
        if (Boolean.getBoolean("retention.golden.update")) {
            Files.createDirectories(golden.getParent());
            Files.writeString(golden, actual, StandardCharsets.UTF_8);
        }
        assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    static Stream<Arguments> goldenCases() {
        // Fourteen months of dailies, verification every Monday, failing in week 10 of 2027.
        List<BackupFacts> year = new ArrayList<>();
        for (BackupFacts b : days("2026-01-01", "2027-03-10")) {
            LocalDate d = b.key().time().toLocalDate();
            if (d.getDayOfWeek() == java.time.DayOfWeek.MONDAY) {
                b = b.checked(d.isAfter(LocalDate.of(2027, 3, 1)) ? Checked.FAILED : Checked.VERIFIED);
            }
            year.add(b);
        }
        // Two years kept by last year's runbook, sparse: only the first of each month survived.
        List<BackupFacts> sparse = new ArrayList<>();
        for (LocalDate d = LocalDate.of(2024, 1, 1); d.isBefore(LocalDate.of(2026, 1, 1)); d = d.plusMonths(1)) {
            sparse.add(day(d.toString(), Checked.UNVERIFIED));
        }
        return Stream.of(
                Arguments.of("fourteen-months-daily", year, new RetentionPolicy(30, 13, 12, 7, 7, 1.0),
                        "2027-03-10T06:00:00Z"),
                Arguments.of("year-end-week-53", days("2026-11-20", "2027-01-05"), new RetentionPolicy(30, 13, 12, 7, 7, 1.0),
                        "2027-01-05T06:00:00Z"),
                Arguments.of("first-run-refused", days("2026-11-20", "2027-01-05"), DEFAULTS, "2027-01-05T06:00:00Z"),
                Arguments.of("sparse-monthly-history", sparse, DEFAULTS, "2027-06-01T06:00:00Z"));
    }

    private static Arguments row(String name, List<BackupFacts> backups, String now, Map<String, String> expected) {
        return Arguments.of(new Row(name, backups, now, expected));
    }

    /** A good, unverified daily for every day from {@code first} to {@code last}, both included. */
    static List<BackupFacts> days(String first, String last) {
        List<BackupFacts> backups = new ArrayList<>();
        for (LocalDate d = LocalDate.parse(first); !d.isAfter(LocalDate.parse(last)); d = d.plusDays(1)) {
            backups.add(day(d.toString(), Checked.UNVERIFIED));
        }
        return backups;
    }

    static BackupFacts day(String date, Checked checked) {
        return new BackupFacts(new BackupKey(BackupKind.DAILY, "auth-db", LocalDate.parse(date).atStartOfDay(), ".sql.gz"),
                1000, checked);
    }

    static List<BackupFacts> with(List<BackupFacts> backups, String date, Checked checked) {
        List<BackupFacts> out = new ArrayList<>(backups);
        out.replaceAll(b -> b.key().time().toLocalDate().toString().equals(date) ? b.checked(checked) : b);
        return out;
    }

    @SuppressWarnings("unused")
    private static Instant at(LocalDate day) {
        return day.atStartOfDay().toInstant(ZoneOffset.UTC);
    }
}
