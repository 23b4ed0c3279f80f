package dev.pgvault.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.repository.ArtifactKey;
import dev.pgvault.repository.ArtifactKey.Form;
import dev.pgvault.repository.ArtifactType;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plans of configuration and code series, on tables of days: the database rules, per series. */
class ArtifactRetentionPlanTest {
    private static final ArtifactPolicies DEFAULTS = ArtifactPolicies.defaults(RetentionPolicy.DEFAULTS);
    /** The defaults without the share limit, to see the windows alone. */
    private static final ArtifactPolicies UNLIMITED = new ArtifactPolicies(30, 13, 7, 1.0);
    private static final String CONFIG = "config/shopping-app-config-*.yaml.gz";
    private static final String TARBALL = "code/auth-service-*.tar.gz";

    @Test
    void configKeepsThirtyDaysFromTheNewestFile() {
        List<BackupFacts> files = days(Form.NAMESPACE, "shopping-app", "2026-09-01", "2026-10-30"); // 60 days
        RetentionPlan plan = plan(CONFIG, files, UNLIMITED.policy(ArtifactType.CONFIG), "2026-10-30T06:00:00Z");

        assertThat(deletedDays(plan)).hasSize(30).allMatch(d -> d.isBefore(LocalDate.parse("2026-10-01")));
        assertThat(plan.kept()).hasSize(30).allMatch(d -> d.tier() == StorageTier.STANDARD && d.retainUntil() == null);
        assertThat(plan.decisions()).hasSize(60);
    }

    @Test
    void uploadsStoppedFortyDaysAgoDeleteNothing() {
        List<BackupFacts> files = days(Form.NAMESPACE, "shopping-app", "2026-01-01", "2026-01-20");
        RetentionPlan plan = plan(CONFIG, files, UNLIMITED.policy(ArtifactType.CONFIG), "2026-03-01T06:00:00Z");

        assertThat(plan.deletions()).isEmpty();
        assertThat(plan.anchor()).contains(LocalDate.parse("2026-01-20"));
    }

    @Test
    void aFortyDayGapKeepsTheNewestSevenWhateverTheWindowSays() {
        List<BackupFacts> files = new ArrayList<>(days(Form.NAMESPACE, "shopping-app", "2026-01-01", "2026-01-10"));
        files.addAll(days(Form.NAMESPACE, "shopping-app", "2026-02-20", "2026-02-20"));
        RetentionPlan plan = plan(CONFIG, files, UNLIMITED.policy(ArtifactType.CONFIG), "2026-02-20T06:00:00Z");

        // Only 2026-02-20 is in the 30-day window; 01-05 .. 01-10 are kept as the newest seven with it.
        assertThat(deletedDays(plan)).containsExactly(day("2026-01-01"), day("2026-01-02"), day("2026-01-03"),
                day("2026-01-04"));
        assertThat(plan.kept()).filteredOn(Decision::floor).hasSize(7);
    }

    @Test
    void theFloorKeepsTheNewestNEvenWithAOneDayWindow() {
        List<BackupFacts> files = days(Form.SEALED_SECRETS_KEYS, "kube-system", "2026-05-01", "2026-05-10");
        RetentionPlan plan = plan("config/kube-system-sealed-secrets-keys-*.yaml.gz", files,
                new ArtifactPolicies(1, 13, 7, 1.0).policy(ArtifactType.CONFIG), "2026-05-10T06:00:00Z");

        assertThat(deletedDays(plan)).containsExactly(day("2026-05-01"), day("2026-05-02"), day("2026-05-03"));
    }

    @Test
    void aRunDeletingMoreThanTheShareLimitDeletesNothingAndSaysWhy() {
        List<BackupFacts> files = days(Form.NAMESPACE, "shopping-app", "2026-09-01", "2026-10-30");
        RetentionPlan plan = plan(CONFIG, files, DEFAULTS.policy(ArtifactType.CONFIG), "2026-10-30T06:00:00Z");

        assertThat(plan.deletions()).isEmpty();
        assertThat(plan.refusal()).get().asString().contains("30 of the 60 backups of " + CONFIG)
                .contains("more than the 20%");
    }

    @Test
    void codeKeepsTheNewestOfEachOfThirteenIsoWeeksAndTheNewestSeven() {
        List<BackupFacts> files = days(Form.CODE_TARBALL, "auth-service", "2026-06-01", "2026-11-29"); // Mon .. Sun
        RetentionPlan plan = plan(TARBALL, files, UNLIMITED.policy(ArtifactType.CODE), "2026-11-29T06:00:00Z");

        List<LocalDate> kept = plan.kept().stream().map(d -> d.backup().key().time().toLocalDate()).toList();
        // 13 Sundays back from 2026-11-29 (the newest of its week), plus the six days before the newest.
        assertThat(kept).filteredOn(d -> d.getDayOfWeek() == DayOfWeek.SUNDAY).hasSize(13)
                .allMatch(d -> !d.isBefore(day("2026-09-06")));
        assertThat(kept).filteredOn(d -> d.getDayOfWeek() != DayOfWeek.SUNDAY)
                .containsExactly(day("2026-11-23"), day("2026-11-24"), day("2026-11-25"), day("2026-11-26"),
                        day("2026-11-27"), day("2026-11-28"));
        assertThat(plan.kept()).allMatch(d -> d.tier() == StorageTier.STANDARD && !d.reason().contains("stays in"));
    }

    @Test
    void seriesOfOtherFormsAndNamesAreNotInThePlan() {
        List<BackupFacts> files = new ArrayList<>(days(Form.CODE_TARBALL, "auth-service", "2026-01-01", "2026-03-31"));
        files.addAll(days(Form.CODE_BUNDLE, "auth-service", "2025-01-01", "2025-03-31"));
        files.addAll(days(Form.CODE_TARBALL, "billing", "2025-01-01", "2025-03-31"));
        RetentionPlan plan = plan(TARBALL, files, UNLIMITED.policy(ArtifactType.CODE), "2026-03-31T06:00:00Z");

        assertThat(plan.decisions()).hasSize(90).allMatch(d -> d.key().startsWith("code/auth-service-2026-")
                && d.key().endsWith(".tar.gz"));
        assertThat(new ArtifactKey(Form.CODE_BUNDLE, "auth-service", day("2026-01-01"), ".enc").series())
                .isEqualTo("code/auth-service-*.bundle");
        assertThat(new ArtifactKey(Form.NAMESPACE, "shopping-app", day("2026-01-01"), "").series())
                .isEqualTo(new ArtifactKey(Form.NAMESPACE, "shopping-app", day("2026-01-02"), ".gpg").series());
    }

    @Test
    void codeWeeksBelowOneAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new ArtifactPolicies(30, 0, 7, 0.2)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("code retention weeks");
        assertThatThrownBy(() -> new ArtifactPolicies(0, 13, 7, 0.2)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("daily days");
    }

    private static RetentionPlan plan(String series, List<BackupFacts> files, RetentionPolicy policy, String now) {
        return ArtifactRetention.plan(series, files, policy, Instant.parse(now));
    }

    static List<BackupFacts> days(Form form, String name, String from, String to) {
        List<BackupFacts> files = new ArrayList<>();
        for (LocalDate d = day(from); !d.isAfter(day(to)); d = d.plusDays(1)) {
            files.add(ArtifactRetention.facts(new ArtifactKey(form, name, d, ""), 100));
        }
        return files;
    }

    private static List<LocalDate> deletedDays(RetentionPlan plan) {
        return plan.deletions().stream().map(d -> LocalDate.ofInstant(d.backup().key().instant(), ZoneOffset.UTC))
                .toList();
    }

    private static LocalDate day(String date) {
        return LocalDate.parse(date);
    }
}
