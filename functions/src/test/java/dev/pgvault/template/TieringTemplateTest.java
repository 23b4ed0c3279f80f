package dev.pgvault.template;

import static dev.pgvault.template.SamTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.config.TieringConfig;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.retention.ArtifactPolicies;
import dev.pgvault.retention.RetentionPolicy;
import dev.pgvault.retention.StorageTier;
import dev.pgvault.template.SamTemplate.Intrinsic;
import dev.pgvault.testing.Events;
import dev.pgvault.testing.ProjectFiles;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The tiering block of the template against the code: variables, defaults, Lifecycle rules by tag, least privilege. */
class TieringTemplateTest {
    private static final SamTemplate TEMPLATE = SamTemplate.load(ProjectFiles.path("template.yaml"));
    private static final String BUCKET = "pgvault-backups";

    @Test
    void theFunctionGetsEveryVariableItsConfigurationReadsAndTheDefaultsAreThePolicys() throws Exception {
        Map<String, Object> variables = new HashMap<>(map(map(map(map(TEMPLATE.root().get("Globals"))
                .get("Function")).get("Environment")).get("Variables")));
        variables.putAll(map(map(TEMPLATE.properties("TieringFunction").get("Environment")).get("Variables")));
        Set<String> read = new LinkedHashSet<>();
        for (Field field : TieringConfig.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                read.add((String) field.get(null));
            }
        }
        read.removeAll(Set.of(TieringConfig.PREFIX, TieringConfig.WATCHDOG_MARGIN_SECONDS));
        assertThat(variables.keySet()).containsAll(read).containsAll(TieringConfig.REQUIRED_VARIABLES);
        RetentionPolicy defaults = RetentionPolicy.DEFAULTS;
        Map<String, Integer> expected = Map.of("RetentionDailyDays", defaults.dailyDays(),
                "RetentionWeeklyWeeks", defaults.weeklyWeeks(), "RetentionMonthlyMonths", defaults.monthlyMonths(),
                "RetentionYearlyYears", defaults.yearlyYears(), "RetentionKeepVerified", defaults.keepVerified(),
                "RetentionMaxDeletePercent", (int) Math.round(defaults.maxDeleteShare() * 100));
        expected.forEach((parameter, value) -> assertThat(((Number) map(TEMPLATE.parameters().get(parameter))
                .get("Default")).intValue()).as(parameter).isEqualTo(value));
    }

    @Test
    void lifecycleMovesEachTierByItsTagAndNeverExpiresABackup() {
        List<Object> rules = IamPolicies.values(map(TEMPLATE.properties("BackupBucket").get("LifecycleConfiguration"))
                .get("Rules"));
        for (StorageTier tier : StorageTier.values()) {
            List<Map<String, Object>> matching = rules.stream().map(SamTemplate::map)
                    .filter(r -> String.valueOf(r.get("TagFilters")).contains("Value=" + tier.s3Name() + "}"))
                    .toList();
            if (tier == StorageTier.STANDARD) {
                assertThat(matching).isEmpty();
                continue;
            }
            assertThat(matching).as(tier.name()).hasSize(1);
            Map<String, Object> rule = matching.get(0);
            assertThat(String.valueOf(rule.get("TagFilters"))).contains("Key=" + StorageTier.TAG);
            Map<String, Object> transition = map(IamPolicies.values(rule.get("Transitions")).get(0));
            assertThat(transition.get("StorageClass")).isEqualTo(tier.s3Name());
            // Standard-IA accepts no transition before 30 days; the tag is set only after the daily window.
            assertThat(((Number) transition.get("TransitionInDays")).intValue())
                    .isEqualTo(tier == StorageTier.STANDARD_IA ? 30 : 0);
        }
        for (Object rule : rules) {
            assertThat(map(rule)).doesNotContainKeys("ExpirationInDays", "ExpirationDate", "ExpiredObjectDeleteMarker");
        }
    }

    @Test
    void theRoleTiersAndDeletesOnlyScheduledBackupsOfItsNameAndNeverBypassesALock() {
        List<IamPolicies.Statement> role = new IamPolicies(TEMPLATE).roleOf("TieringFunction");
        Map<String, String> vars = IamPolicies.bucketVariables(BUCKET, "auth-db");
        for (String folder : List.of("daily", "weekly", "monthly", "yearly")) {
            String object = folder + "/auth-db-backup-2026-11-24.sql.gz";
            for (String key : List.of(object, Sidecar.MANIFEST.keyFor(object), Sidecar.MANIFEST_SIGNATURE.keyFor(object),
                    Sidecar.VERIFICATION.keyFor(object))) {
                for (String action : List.of("s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectTagging",
                        "s3:PutObjectRetention", "s3:GetObject", "s3:GetObjectVersion")) {
                    assertThat(IamPolicies.allowed(role, action, arn(key), vars)).as(action + " " + key).isTrue();
                }
            }
        }
        for (String untouchable : List.of("daily/billing-backup-2026-11-24.sql.gz", "manual/auth-db-manual-2026-11-24-101530.sql.gz",
                "config/auth-db-backup-2026-11-24.sql.gz", "daily/auth-db-2-backup-2026-11-24.sql.gz")) {
            for (String action : List.of("s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectTagging")) {
                assertThat(IamPolicies.allowed(role, action, arn(untouchable), vars)).as(action + " " + untouchable).isFalse();
            }
        }
        assertThat(IamPolicies.allowedActions(role)).noneMatch(a -> a.contains("Bypass") || a.contains("*")
                || a.startsWith("s3:PutBucket") || a.startsWith("s3:PutLifecycle") || a.equals("s3:PutObject"));
        assertThat(IamPolicies.allowed(role, "s3:ListBucketVersions", "arn:aws:s3:::" + BUCKET, vars)).isTrue();
    }

    @Test
    void theRoleDeletesConfigAndCodeBackupsButNeverTagsOrWritesThem() {
        List<IamPolicies.Statement> role = new IamPolicies(TEMPLATE).roleOf("TieringFunction");
        Map<String, String> vars = IamPolicies.bucketVariables(BUCKET, "auth-db");
        for (String object : List.of("config/shop-config-2026-11-24.yaml.gz.enc",
                "config/kube-system-sealed-secrets-keys-2026-11-24.yaml.gz.gpg", "code/auth-service-2026-11-24.tar.gz",
                "code/auth-service-2026-11-24.bundle.enc")) {
            for (String key : List.of(object, Sidecar.MANIFEST.keyFor(object), Sidecar.MANIFEST_SIGNATURE.keyFor(object),
                    Sidecar.LOCK.keyFor(object))) {
                for (String action : List.of("s3:DeleteObject", "s3:DeleteObjectVersion", "s3:GetObjectVersion")) {
                    assertThat(IamPolicies.allowed(role, action, arn(key), vars)).as(action + " " + key).isTrue();
                }
                for (String action : List.of("s3:PutObjectTagging", "s3:PutObjectRetention", "s3:PutObject")) {
                    assertThat(IamPolicies.allowed(role, action, arn(key), vars)).as(action + " " + key).isFalse();
                }
            }
        }
        for (String untouchable : List.of("config/notes.txt", "code/README", "other/shop-config-2026-11-24.yaml.gz")) {
            assertThat(IamPolicies.allowed(role, "s3:DeleteObject", arn(untouchable), vars)).as(untouchable).isFalse();
        }
        Map<String, Integer> expected = Map.of("RetentionConfigDays", ArtifactPolicies.DEFAULT_CONFIG_DAYS,
                "RetentionCodeWeeks", ArtifactPolicies.DEFAULT_CODE_WEEKS);
        expected.forEach((parameter, value) -> assertThat(((Number) map(TEMPLATE.parameters().get(parameter))
                .get("Default")).intValue()).as(parameter).isEqualTo(value));
    }

    @Test
    void itRunsDailyAfterTheBackupWithTheSampleEventAndAlarmsOnARefusedPlan() throws Exception {
        Map<String, Object> daily = map(map(map(TEMPLATE.properties("TieringFunction").get("Events")).get("Daily"))
                .get("Properties"));
        assertThat(daily.get("ScheduleExpression")).isEqualTo(new Intrinsic("Ref", "TieringSchedule"));
        assertThat(daily.get("ScheduleExpressionTimezone")).isEqualTo("UTC");
        assertThat(new ObjectMapper().readValue(String.valueOf(daily.get("Input")), Map.class))
                .isEqualTo(Events.load("tiering-scheduled.json"));
        String schedule = String.valueOf(map(TEMPLATE.parameters().get("TieringSchedule")).get("Default"));
        String backup = String.valueOf(map(TEMPLATE.parameters().get("BackupSchedule")).get("Default"));
        assertThat(hour(schedule)).as("tiering after the backup").isGreaterThan(hour(backup));
        Map<String, Object> alarm = TEMPLATE.properties("TieringPlanRefusedAlarm");
        assertThat(alarm.get("MetricName")).isEqualTo("TieringPlanRefused");
        assertThat(alarm.get("AlarmActions")).isEqualTo(List.of(new Intrinsic("Ref", "AlarmTopic")));
    }

    private static int hour(String cron) {
        return Integer.parseInt(cron.replace("cron(", "").split(" ")[1]);
    }

    private static String arn(String key) {
        return "arn:aws:s3:::" + BUCKET + "/" + key;
    }
}
