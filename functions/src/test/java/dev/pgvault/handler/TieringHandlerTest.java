package dev.pgvault.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.config.AwsClients;
import dev.pgvault.config.Environment;
import dev.pgvault.repository.ArtifactKey;
import dev.pgvault.config.TieringConfig;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.errors.FailureClass;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.metrics.TieringMetrics;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.S3Store;
import dev.pgvault.retention.StorageTier;
import dev.pgvault.retention.TieringReport;
import dev.pgvault.testing.Events;
import dev.pgvault.testing.SharedS3;
import dev.pgvault.testing.TestContext;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** The tiering function on the sample events, against S3Mock. */
class TieringHandlerTest {
    private static final S3Client S3 = SharedS3.client();
    private final List<TieringReport> reports = new ArrayList<>();
    private final List<TieringReport> seriesReports = new ArrayList<>();
    private final List<FailureClass> failures = new ArrayList<>();
    private final TieringMetrics metrics = new TieringMetrics() {
        @Override
        public void tiered(TieringReport report) {
            reports.add(report);
        }

        @Override
        public void runFailed(FailureClass failure) {
            failures.add(failure);
        }

        @Override
        public void artifactsTiered(List<TieringReport> series) {
            seriesReports.addAll(series);
        }
    };

    @AfterAll
    static void closeClient() {
        S3.close();
    }

    private TieringHandler handler(Map<String, String> environment) {
        return new TieringHandler(new Environment(environment), () -> new AwsClients(S3, null, null, null), metrics,
                Clock.systemUTC());
    }

    private static Map<String, String> environment(String bucket, String maxDeletePercent) {
        Map<String, String> env = new HashMap<>();
        env.put(TieringConfig.BUCKET, bucket);
        env.put(TieringConfig.BACKUP_NAME, "auth-db");
        env.put(TieringConfig.DAILY_DAYS, "30");
        env.put(TieringConfig.WEEKLY_WEEKS, "13");
        env.put(TieringConfig.MONTHLY_MONTHS, "12");
        env.put(TieringConfig.YEARLY_YEARS, "7");
        env.put(TieringConfig.KEEP_VERIFIED, "7");
        env.put(TieringConfig.MAX_DELETE_PERCENT, maxDeletePercent);
        return env;
    }

    /** Sixty dailies up to today. */
    private static List<String> sixtyDays(String bucket) {
        S3Store store = new S3Store(S3, bucket, "");
        List<String> keys = new ArrayList<>();
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (int age = 59; age >= 0; age--) {
            String key = new BackupKey(BackupKind.DAILY, "auth-db", today.minusDays(age).atStartOfDay(), ".sql.gz").key();
            store.put(key, new byte[100]);
            store.put(Sidecar.MANIFEST.keyFor(key), "{}".getBytes());
            keys.add(key);
        }
        return keys;
    }

    private static int objectCount(String bucket) {
        return S3.listObjectsV2(b -> b.bucket(bucket)).keyCount();
    }

    @Test
    void theScheduleAppliesThePlanAndReportsItsFigures() {
        String bucket = SharedS3.newBucket();
        sixtyDays(bucket);
        Map<String, Object> dry = handler(environment(bucket, "100"))
                .handleRequest(Events.load("tiering-dry-run.json"), new TestContext("pgvault-tiering", 300_000));
        assertThat(dry).containsEntry("status", "dry-run").containsEntry("deleted", 0L);
        assertThat((Integer) dry.get("plannedDeletions")).isPositive();
        assertThat(objectCount(bucket)).isEqualTo(120);
        assertThat(reports).isEmpty();

        Map<String, Object> applied = handler(environment(bucket, "100"))
                .handleRequest(Events.load("tiering-scheduled.json"), new TestContext("pgvault-tiering", 300_000));

        assertThat(applied).containsEntry("status", "applied").containsEntry("deleted", ((Integer) dry.get("plannedDeletions")).longValue());
        assertThat(objectCount(bucket)).isEqualTo(120 - 2 * (Integer) dry.get("plannedDeletions"));
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).objectsPerTier()).containsEntry(StorageTier.STANDARD, 30L)
                .containsKey(StorageTier.STANDARD_IA);
        assertThat(reports.get(0).bytesPerTier().get(StorageTier.STANDARD)).isEqualTo(3000L);
        @SuppressWarnings("unchecked")
        Map<String, Object> tiers = (Map<String, Object>) applied.get("tiers");
        assertThat(tiers).containsKeys("STANDARD", "STANDARD_IA", "GLACIER", "DEEP_ARCHIVE");
    }

    @Test
    void theDailyRunAlsoExpiresConfigurationAndCodeSeries() {
        String bucket = SharedS3.newBucket();
        sixtyDays(bucket);
        S3Store store = new S3Store(S3, bucket, "");
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (int age = 39; age >= 0; age--) {
            String key = new ArtifactKey(ArtifactKey.Form.NAMESPACE, "shop", today.minusDays(age), ".enc").key();
            store.put(key, new byte[10]);
            store.put(Sidecar.MANIFEST.keyFor(key), "{}".getBytes());
        }
        Map<String, String> env = environment(bucket, "100");
        env.put(TieringConfig.CONFIG_DAYS, "35");

        Map<String, Object> applied = handler(env)
                .handleRequest(Events.load("tiering-scheduled.json"), new TestContext("pgvault-tiering", 300_000));

        assertThat(applied).containsEntry("status", "applied");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> artifacts = (List<Map<String, Object>>) applied.get("artifacts");
        assertThat(artifacts).singleElement().satisfies(series -> assertThat(series)
                .containsEntry("series", "config/shop-config-*.yaml.gz").containsEntry("status", "applied")
                .containsEntry("plannedDeletions", 5).containsEntry("deleted", 5L).containsEntry("kept", 35));
        assertThat(store.list("config/")).hasSize(70);
        assertThat(reports).hasSize(1); // the database's figures only: config and code stay in Standard
        assertThat(seriesReports).singleElement().matches(r -> r.count(dev.pgvault.retention.Applied.What.DELETED) == 5);
    }

    @Test
    void aConfigurationSeriesOverTheShareLimitRaisesThePlanRefusedMetric() {
        String bucket = SharedS3.newBucket();
        sixtyDays(bucket);
        S3Store store = new S3Store(S3, bucket, "");
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        for (int age = 59; age >= 0; age--) {
            String key = new ArtifactKey(ArtifactKey.Form.NAMESPACE, "shop", today.minusDays(age), ".enc").key();
            store.put(key, new byte[10]);
            store.put(Sidecar.MANIFEST.keyFor(key), "{}".getBytes());
        }
        Map<String, String> env = environment(bucket, "10");
        env.put(TieringConfig.CONFIG_DAYS, "5"); // 55 of 60 would go: over the 10% limit

        handler(env).handleRequest(Events.load("tiering-scheduled.json"), new TestContext("pgvault-tiering", 300_000));

        assertThat(seriesReports).singleElement().matches(r -> r.plan().refused());
        assertThat(store.list("config/")).hasSize(120);
    }

    @Test
    void aPlanOverTheShareLimitIsAnAnswerNotAnError() {
        String bucket = SharedS3.newBucket();
        sixtyDays(bucket);
        Map<String, Object> refused = handler(environment(bucket, "5"))
                .handleRequest(Events.load("tiering-scheduled.json"), new TestContext("pgvault-tiering", 300_000));
        assertThat(refused).containsEntry("status", "refused").containsEntry("deleted", 0L);
        assertThat((String) refused.get("refusal")).contains("more than the 5% one run may delete");
        assertThat(objectCount(bucket)).isEqualTo(120);
        assertThat(reports).singleElement().matches(r -> r.plan().refused());
        assertThat(reports.get(0).refusedByFloor()).isPositive();
    }

    @Test
    void badEventsAndBadConfigurationAreRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> TieringHandler.dryRunOf(Map.of("kind", "verify")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("kind \"verify\" is unknown");
        assertThatThrownBy(() -> TieringHandler.dryRunOf(Map.of("kind", "tier", "dryRun", "yes")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("\"dryRun\" must be true or false");
        assertThat(TieringHandler.dryRunOf(Map.of("detail-type", "Scheduled Event"))).isFalse();
        Map<String, String> env = environment("bucket", "0");
        assertThatThrownBy(() -> handler(env).handleRequest(Events.load("tiering-scheduled.json"),
                new TestContext("pgvault-tiering", 300_000)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(TieringConfig.MAX_DELETE_PERCENT).hasMessageContaining("between 1 and 100");
        assertThat(failures).hasSize(1);
    }
}
