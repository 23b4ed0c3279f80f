package dev.pgvault.template;

import static dev.pgvault.template.SamTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.config.VerificationConfig;
import dev.pgvault.errors.FailureClass;
import dev.pgvault.metrics.EmfBackupMetrics;
import dev.pgvault.metrics.EmfVerificationMetrics;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.template.SamTemplate.Intrinsic;
import dev.pgvault.testing.Events;
import dev.pgvault.testing.ProjectFiles;
import dev.pgvault.verify.VerificationReport;
import dev.pgvault.verify.VerificationResult;
import dev.pgvault.verify.VerificationStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The verification block of the template against the code: its variables, schedules, least
 * privilege, and every alarm's and dashboard metric's name and dimensions as the code emits them
 * (taken from the EMF lines the metrics classes really print).
 */
class VerificationTemplateTest {
    private static final SamTemplate TEMPLATE = SamTemplate.load(ProjectFiles.path("template.yaml"));
    /** "MetricName [Dimension, ...]" for every metric and dimension set the code emits in namespace pgvault. */
    private static final Set<String> EMITTED = new TreeSet<>();
    /**
     * Dimensions the EMF library merges into every set while no default dimensions were set: here,
     * where POWERTOOLS_SERVICE_NAME is unset. In Lambda the template sets it, Powertools sets
     * {@code Service} as the default dimension set (a set of its own), and the library adds none.
     */
    private static final Set<String> ENVIRONMENT_DEFAULTS = Set.of("LogGroup", "ServiceName", "ServiceType");

    @BeforeAll
    static void emitEveryMetric() throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            EmfBackupMetrics backup = new EmfBackupMetrics("pgvault", "auth-db");
            backup.backupSucceeded("daily", Duration.ofSeconds(3), 10, 20, 3, Instant.now());
            backup.backupFailed("daily", FailureClass.CONNECTION);
            backup.backupSkipped("daily", BackupOutcome.Status.HELD);
            backup.backupShrank("daily", "rows", 10, 2);
            dev.pgvault.metrics.EmfUploadMetrics upload = new dev.pgvault.metrics.EmfUploadMetrics("pgvault", "auth-db");
            upload.backupSucceeded("config", Duration.ofSeconds(1), 10, 20, 0, Instant.now());
            upload.backupFailed("code", FailureClass.CONNECTION);
            upload.backupSkipped("config", BackupOutcome.Status.ALREADY_COMPLETE);
            EmfVerificationMetrics verification = new EmfVerificationMetrics("pgvault", "auth-db");
            VerificationResult ok = new VerificationResult("daily/auth-db-backup-2026-11-24.sql.gz",
                    VerificationStatus.OK, List.of(), Instant.now(), Duration.ofSeconds(5), Duration.ofSeconds(4), 10);
            verification.verified(new VerificationReport(ok, List.of(ok), "auth-db", ok.key(), Instant.now(),
                    Duration.ofHours(2), null, List.of()), Duration.ZERO);
            verification.runFailed(FailureClass.CONNECTION);
            verification.sinceLastSuccess(Duration.ofHours(3));
            verification.noticeFailed("slack");
            new dev.pgvault.metrics.EmfTieringMetrics("pgvault", "auth-db").runFailed(FailureClass.CONNECTION);
            new dev.pgvault.metrics.EmfTieringMetrics("pgvault", "auth-db").tiered(new dev.pgvault.retention.TieringReport(
                    dev.pgvault.retention.RetentionPlanner.plan("auth-db", List.of(),
                            dev.pgvault.retention.RetentionPolicy.DEFAULTS, Instant.now()), List.of(), List.of(), false));
        } finally {
            System.setOut(original);
        }
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.contains("\"_aws\"")) {
                continue;
            }
            JsonNode emf = new ObjectMapper().readTree(line.substring(line.indexOf('{')));
            for (JsonNode directive : emf.get("_aws").get("CloudWatchMetrics")) {
                assertThat(directive.get("Namespace").asText()).isEqualTo("pgvault");
                for (JsonNode metric : directive.get("Metrics")) {
                    for (JsonNode dimensions : directive.get("Dimensions")) {
                        List<String> names = new ArrayList<>();
                        dimensions.forEach(d -> names.add(d.asText()));
                        // The EMF library's environment defaults (here "Unknown"); not chosen by pgvault's code.
                        names.removeAll(ENVIRONMENT_DEFAULTS);
                        EMITTED.add(metric.get("Name").asText() + " " + new TreeSet<>(names));
                    }
                }
            }
        }
        assertThat(EMITTED).contains("VerificationFailed [BackupName]", "VerificationFailed [BackupName, Result]");
    }

    @Test
    void theVerificationFunctionGetsEveryVariableItsConfigurationReads() throws IllegalAccessException {
        Map<String, Object> variables = new HashMap<>(map(map(map(map(TEMPLATE.root().get("Globals"))
                .get("Function")).get("Environment")).get("Variables")));
        variables.putAll(map(map(TEMPLATE.properties("VerificationFunction").get("Environment")).get("Variables")));
        // Defaults that suit every deployment; settable by hand, not template parameters.
        Set<String> optional = Set.of(VerificationConfig.PREFIX, VerificationConfig.FRESHNESS_HOURS,
                VerificationConfig.RESTORE_MIB_PER_SECOND, VerificationConfig.WATCHDOG_MARGIN_SECONDS,
                VerificationConfig.DECRYPTION_PASSPHRASE_REF);
        Set<String> read = new LinkedHashSet<>();
        for (Field field : VerificationConfig.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                read.add((String) field.get(null));
            }
        }
        read.removeAll(optional);
        assertThat(variables.keySet()).containsAll(read).containsAll(VerificationConfig.REQUIRED_VARIABLES);
    }

    @Test
    void itVerifiesWeeklyOnSundayAt0400UtcAndReportsDaily() {
        assertThat(map(TEMPLATE.parameters().get("VerificationSchedule")).get("Default")).isEqualTo("cron(0 4 ? * SUN *)");
        Map<String, Object> events = map(TEMPLATE.properties("VerificationFunction").get("Events"));
        Map<String, Object> weekly = map(map(events.get("Weekly")).get("Properties"));
        assertThat(map(events.get("Weekly")).get("Type")).isEqualTo("ScheduleV2");
        assertThat(weekly.get("ScheduleExpression")).isEqualTo(new Intrinsic("Ref", "VerificationSchedule"));
        assertThat(weekly.get("ScheduleExpressionTimezone")).isEqualTo("UTC");
        assertThat(parse(weekly.get("Input"))).isEqualTo(Events.load("verify-scheduled.json"));
        Map<String, Object> daily = map(map(events.get("DailyReport")).get("Properties"));
        assertThat(parse(daily.get("Input"))).isEqualTo(Events.load("verify-report.json"));
        assertThat(String.valueOf(daily.get("ScheduleExpression"))).startsWith("cron(").endsWith("* * ? *)");
    }

    @Test
    void itMayReadBackupsAndWriteOnlyVerificationRecords() {
        List<Map<String, Object>> allows = allowStatements(TEMPLATE.properties("VerificationFunction").get("Policies"));
        Set<String> actions = new TreeSet<>();
        allows.forEach(s -> actions.addAll(list(s.get("Action"))));
        assertThat(actions).doesNotContain("s3:DeleteObject", "kms:Sign", "s3:PutObjectTagging")
                .contains("s3:GetObject", "s3:PutObject", "kms:Decrypt", "kms:GetPublicKey");
        assertThat(resources(allows, "s3:PutObject"))
                .containsExactly(new Intrinsic("Sub", "${BackupBucket.Arn}/*.verification.json"));
        List<Object> readable = resources(allows, "s3:GetObject");
        for (BackupKind kind : BackupKind.values()) {
            assertThat(readable).contains(new Intrinsic("Sub", "${BackupBucket.Arn}/" + kind.folder() + "/*"));
        }
        // and the erasure ledger, which the scratch restore applies before its comparison
        assertThat(readable).contains(new Intrinsic("Sub", "${BackupBucket.Arn}/"
                + dev.pgvault.repository.BackupArtifacts.ERASURE_PREFIX + "*"));
        assertThat(readable).hasSize(BackupKind.values().length + 1);
        assertThat(resources(allows, "kms:GetPublicKey"))
                .containsExactly(new Intrinsic("GetAtt", List.of("ManifestSigningKey", "Arn")));
        assertThat(resources(allows, "secretsmanager:GetSecretValue"))
                .contains(new Intrinsic("Ref", "ScratchServerSecretArn"), new Intrinsic("Ref", "SlackWebhookSecretArn"),
                        new Intrinsic("Ref", "PagerDutyRoutingKeySecretArn"));
    }

    @Test
    void everyAlarmWatchesAMetricAndDimensionsTheCodeEmits() {
        List<String> watched = new ArrayList<>();
        TEMPLATE.resources("AWS::CloudWatch::Alarm").forEach((id, body) -> {
            Map<String, Object> alarm = map(body.get("Properties"));
            if (!"pgvault".equals(alarm.get("Namespace"))) {
                return;
            }
            Set<String> dimensions = new TreeSet<>();
            if (alarm.get("Dimensions") instanceof List<?> list) {
                list.forEach(d -> dimensions.add(String.valueOf(map(d).get("Name"))));
            }
            String metric = alarm.get("MetricName") + " " + dimensions;
            assertThat(EMITTED).as(id + " watches " + metric).contains(metric);
            watched.add(String.valueOf(alarm.get("MetricName")));
        });
        assertThat(watched).contains(EmfVerificationMetrics.FAILED, EmfVerificationMetrics.HOURS_SINCE_SUCCESS);
        Map<String, Object> overdue = TEMPLATE.properties("VerificationOverdueAlarm");
        assertThat(((Number) overdue.get("Threshold")).intValue()).isEqualTo(8 * 24);
        assertThat(overdue.get("TreatMissingData")).isEqualTo("breaching");
        assertThat(overdue.get("AlarmActions")).isEqualTo(List.of(new Intrinsic("Ref", "AlarmTopic")));
        assertThat(TEMPLATE.properties("VerificationFailedAlarm").get("AlarmActions"))
                .isEqualTo(List.of(new Intrinsic("Ref", "AlarmTopic")));
    }

    @Test
    void theDashboardShowsOnlyMetricsTheCodeEmitsAndAlarmsThatExist() throws Exception {
        Object body = TEMPLATE.properties("Dashboard").get("DashboardBody");
        assertThat(body).isInstanceOf(Intrinsic.class);
        String text = String.valueOf(((Intrinsic) body).value());
        Set<String> alarms = new TreeSet<>();
        Matcher arn = Pattern.compile("\\$\\{(\\w+)\\.Arn}").matcher(text);
        while (arn.find()) {
            alarms.add(arn.group(1));
        }
        assertThat(TEMPLATE.resources("AWS::CloudWatch::Alarm").keySet()).containsAll(alarms);
        assertThat(alarms).contains("VerificationFailedAlarm", "VerificationOverdueAlarm", "BackupNotRunAlarm");
        JsonNode dashboard = new ObjectMapper().readTree(text.replaceAll("\\$\\{[^}]+}", "X"));
        Set<String> shown = new TreeSet<>();
        for (JsonNode widget : dashboard.get("widgets")) {
            JsonNode metrics = widget.path("properties").path("metrics");
            for (JsonNode row : metrics) {
                if (!row.get(0).isTextual()) {
                    continue; // an expression
                }
                assertThat(row.get(0).asText()).isEqualTo("pgvault");
                Set<String> dimensions = new TreeSet<>();
                for (int i = 2; i + 1 < row.size() && row.get(i).isTextual(); i += 2) {
                    dimensions.add(row.get(i).asText());
                }
                String metric = row.get(1).asText() + " " + dimensions;
                assertThat(EMITTED).as("dashboard metric " + metric).contains(metric);
                shown.add(row.get(1).asText());
            }
        }
        assertThat(shown).contains("LastBackupTimestamp", "BackupSize", "BackupDuration", "VerificationSucceeded",
                "VerificationFailed", "VerificationRestoreSeconds", "HoursSinceLastVerification");
    }

    private static Object parse(Object json) {
        try {
            return new ObjectMapper().readValue(String.valueOf(json), Map.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static List<String> list(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> l) {
            l.forEach(v -> out.add(String.valueOf(v)));
        } else {
            out.add(String.valueOf(value));
        }
        return out;
    }

    private static List<Map<String, Object>> allowStatements(Object policies) {
        List<Map<String, Object>> statements = new ArrayList<>();
        SamTemplate.walk(policies, "", (path, node) -> {
            if (node instanceof Map<?, ?> && "Allow".equals(map(node).get("Effect"))) {
                statements.add(map(node));
            }
        });
        return statements;
    }

    private static List<Object> resources(List<Map<String, Object>> statements, String action) {
        List<Object> resources = new ArrayList<>();
        for (Map<String, Object> statement : statements) {
            if (list(statement.get("Action")).contains(action)) {
                Object resource = statement.get("Resource");
                if (resource instanceof List<?> l) {
                    resources.addAll(l);
                } else {
                    resources.add(resource);
                }
            }
        }
        return resources;
    }
}
