package dev.pgvault.template;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.config.BackupConfig;
import dev.pgvault.config.UploadConfig;
import dev.pgvault.metrics.EmfBackupMetrics;
import dev.pgvault.metrics.EmfUploadMetrics;
import dev.pgvault.repository.ArtifactKey;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.testing.Events;
import dev.pgvault.testing.ProjectFiles;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The upload function in template.yaml: its variables, its schedules, its role's reach, its alarm. */
class UploadTemplateTest {
    private static final SamTemplate TEMPLATE = SamTemplate.load(ProjectFiles.path("template.yaml"));
    private static final String BUCKET = "pgvault-backups";

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static String arn(String key) {
        return "arn:aws:s3:::" + BUCKET + "/" + key;
    }

    @Test
    void theUploadFunctionGetsEveryVariableItsConfigurationReads() throws IllegalAccessException {
        Map<String, Object> variables = map(map(TEMPLATE.properties("UploadFunction").get("Environment")).get("Variables"));
        List<String> read = new ArrayList<>(List.of(BackupConfig.BUCKET, BackupConfig.SIGNING_KEY, BackupConfig.BACKUP_NAME,
                BackupConfig.OBJECT_LOCK_MODE, BackupConfig.OBJECT_LOCK_DAYS,
                "PGVAULT_ENCRYPTION", "PGVAULT_ENCRYPTION_PASSPHRASE_REF", "PGVAULT_PGP_RECIPIENT_KEY_REFS",
                "PGVAULT_EKS_CLUSTER_NAME", "PGVAULT_KUBE_ACCESS_SECRET"));
        for (Field field : UploadConfig.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                read.add((String) field.get(null));
            }
        }
        assertThat(variables).containsKeys(read.toArray(String[]::new));
    }

    @Test
    void theSchedulesSendTheSampleEvents() {
        Map<String, Object> events = map(TEMPLATE.properties("UploadFunction").get("Events"));
        assertThat(map(map(events.get("ConfigDaily")).get("Properties")).get("Input").toString())
                .isEqualToIgnoringWhitespace("{\"kind\":\"config\"}");
        assertThat(map(map(events.get("CodeWeekly")).get("Properties")).get("Input").toString())
                .isEqualToIgnoringWhitespace("{\"kind\":\"code\"}");
        assertThat(Events.load("upload-config.json")).isEqualTo(Map.of("kind", "config"));
        assertThat(Events.load("upload-code.json")).isEqualTo(Map.of("kind", "code"));
    }

    @Test
    void theUploadRoleWritesOnlyNewConfigAndCodeFilesAndReadsOnlySidecars() {
        List<IamPolicies.Statement> role = new IamPolicies(TEMPLATE).roleOf("UploadFunction");
        Map<String, String> vars = IamPolicies.bucketVariables(BUCKET, "auth-db");
        Instant now = Instant.parse("2026-11-29T03:00:00Z");
        for (ArtifactKey.Form form : ArtifactKey.Form.values()) {
            String key = ArtifactKey.create(form, "shopping-app", now, "openssl").key();
            for (String written : List.of(key, Sidecar.MANIFEST.keyFor(key), Sidecar.MANIFEST_SIGNATURE.keyFor(key),
                    Sidecar.LOCK.keyFor(key))) {
                assertThat(IamPolicies.allowed(role, "s3:PutObject", arn(written), vars)).as(written).isTrue();
            }
            assertThat(IamPolicies.allowed(role, "s3:GetObject", arn(key), vars)).as("GetObject " + key).isFalse();
            assertThat(IamPolicies.allowed(role, "s3:GetObject", arn(Sidecar.MANIFEST.keyFor(key)), vars)).isTrue();
            assertThat(IamPolicies.allowed(role, "s3:DeleteObject", arn(key), vars)).as("DeleteObject " + key).isFalse();
            assertThat(IamPolicies.allowed(role, "s3:DeleteObject", arn(Sidecar.LOCK.keyFor(key)), vars)).isTrue();
        }
        for (String database : List.of("daily/auth-db-backup-2026-11-29.sql.gz", "manual/auth-db-manual-2026-11-29-101530.sql.gz")) {
            assertThat(IamPolicies.allowed(role, "s3:PutObject", arn(database), vars)).as(database).isFalse();
            assertThat(IamPolicies.allowed(role, "s3:GetObject", arn(database), vars)).as(database).isFalse();
        }
        assertThat(IamPolicies.allowedActions(role)).noneMatch(a -> a.startsWith("s3:") && (a.contains("Version")
                || a.contains("Bypass") || a.contains("Bucket") && !a.startsWith("s3:ListBucket") || a.contains("*")));
    }

    @Test
    void uploadFailuresHaveTheirOwnAlarmOnTheMetricTheCodeEmits() {
        Map<String, Object> alarm = TEMPLATE.properties("UploadFailedAlarm");
        assertThat(alarm.get("Namespace")).isEqualTo("pgvault");
        assertThat(alarm.get("MetricName")).isEqualTo(EmfUploadMetrics.FAILED);
        List<?> dimensions = (List<?>) alarm.get("Dimensions");
        assertThat(dimensions).hasSize(1);
        assertThat(map(dimensions.get(0)).get("Name")).isEqualTo(EmfBackupMetrics.DIMENSION);
        assertThat((List<?>) alarm.get("AlarmActions")).isNotEmpty();
    }
}
