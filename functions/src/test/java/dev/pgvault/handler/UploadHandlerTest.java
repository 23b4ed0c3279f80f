package dev.pgvault.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.config.AwsClients;
import dev.pgvault.config.BackupConfig;
import dev.pgvault.config.Environment;
import dev.pgvault.config.RepointConfig;
import dev.pgvault.config.UploadConfig;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.SourceUnavailableException;
import dev.pgvault.kube.KubernetesAccess;
import dev.pgvault.testing.ConfigFixtures;
import dev.pgvault.testing.Events;
import dev.pgvault.testing.KmsStandIn;
import dev.pgvault.testing.MockClusterAccess;
import dev.pgvault.testing.RecordingMetrics;
import dev.pgvault.testing.SharedS3;
import dev.pgvault.testing.SourceRepositories;
import dev.pgvault.testing.TestContext;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The upload function driven by events/upload-config.json and events/upload-code.json, against
 * the S3 protocol server, the KMS stand-in (signing), the Kubernetes mock server and a local Git
 * repository: files written, a duplicate delivery skipped, failures counted.
 */
@EnableKubernetesMockClient(crud = true)
class UploadHandlerTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final Instant NOW = Instant.parse("2026-11-29T03:00:00Z");

    @TempDir
    Path dir;
    private final KmsStandIn kms = new KmsStandIn();
    private S3Client s3;
    private String bucket;
    private final RecordingMetrics metrics = new RecordingMetrics();

    @BeforeEach
    void setUp() {
        s3 = SharedS3.client();
        bucket = SharedS3.newBucket();
    }

    @AfterEach
    void tearDown() {
        kms.close();
        s3.close();
    }

    private UploadHandler handler(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(
                BackupConfig.BUCKET, bucket,
                BackupConfig.SIGNING_KEY, KmsStandIn.KEY_ARN,
                RepointConfig.AWS_REGION, "eu-west-1",
                RepointConfig.EKS_CLUSTER_NAME, "prod",
                UploadConfig.SEALED_SECRETS_NAMESPACE, ""));
        env.putAll(extra);
        KubernetesAccess access = new MockClusterAccess(server);
        return new UploadHandler(new Environment(env), () -> new AwsClients(s3, null, null, kms.client()),
                settings -> access, metrics, Clock.fixed(NOW, ZoneOffset.UTC), dir);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDailyConfigEventWritesOneFilePerNamespaceAndADuplicateIsSkipped() {
        ConfigFixtures.shop(client, "shop-a");
        ConfigFixtures.shop(client, "shop-b");
        UploadHandler handler = handler(Map.of(UploadConfig.CONFIG_NAMESPACES, "shop-a, shop-b"));

        Map<String, Object> first = handler.handleRequest(Events.load("upload-config.json"),
                new TestContext("pgvault-upload", 900_000));

        assertThat(first.get("status")).isEqualTo("written");
        List<Map<String, Object>> files = (List<Map<String, Object>>) first.get("files");
        assertThat(files).extracting(f -> f.get("key")).containsExactly("config/shop-a-config-2026-11-29.yaml.gz",
                "config/shop-b-config-2026-11-29.yaml.gz");
        assertThat(files.get(0).get("objects")).isEqualTo(16); // no Secret: encryption is none
        assertThat(s3.listObjectsV2(r -> r.bucket(bucket).prefix("config/")).contents())
                .extracting(o -> o.key()).contains("config/shop-a-config-2026-11-29.yaml.gz.manifest.json",
                        "config/shop-a-config-2026-11-29.yaml.gz.manifest.json.sig");
        assertThat(kms.signCalls()).isEqualTo(2);

        Map<String, Object> again = handler.handleRequest(Events.load("upload-config.json"),
                new TestContext("pgvault-upload", 900_000));
        assertThat(again.get("status")).isEqualTo("already_complete");
        assertThat(metrics.events).filteredOn(e -> e.startsWith("succeeded")).hasSize(2);
        assertThat(metrics.events).filteredOn(e -> e.startsWith("skipped")).hasSize(2);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theWeeklyCodeEventWritesTheTarballAndTheBundle() throws Exception {
        Path source = SourceRepositories.applicationRepository(dir.resolve("auth-service"));
        Map<String, Object> response = handler(Map.of(UploadConfig.GIT_URL, source.toUri().toString()))
                .handleRequest(Events.load("upload-code.json"), new TestContext("pgvault-upload", 900_000));

        assertThat(response.get("status")).isEqualTo("written");
        assertThat((List<Map<String, Object>>) response.get("files")).extracting(f -> f.get("key"))
                .containsExactly("code/auth-service-2026-11-29.tar.gz", "code/auth-service-2026-11-29.bundle");
        try (var left = Files.list(dir)) {
            assertThat(left).as("the fetched copy is removed").extracting(p -> p.getFileName().toString())
                    .containsExactly("auth-service");
        }
    }

    @Test
    void failuresAreCountedAndBadEventsRefused() {
        UploadHandler handler = handler(Map.of(UploadConfig.GIT_URL, "file:///nonexistent/repo.git"));
        assertThatThrownBy(() -> handler.handleRequest(Events.load("upload-code.json"),
                new TestContext("pgvault-upload", 900_000))).isInstanceOf(SourceUnavailableException.class);
        assertThatThrownBy(() -> handler.handleRequest(Map.of("kind", "database"),
                new TestContext("pgvault-upload", 900_000))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("\"config\"");
        assertThatThrownBy(() -> handler.handleRequest(Events.load("upload-config.json"),
                new TestContext("pgvault-upload", 900_000))).hasMessageContaining(UploadConfig.CONFIG_NAMESPACES);
        assertThat(metrics.events).containsExactly("failed code Connection", "failed unknown InvalidRequest",
                "failed config Configuration");
        assertThat(s3.listObjectsV2(r -> r.bucket(bucket)).contents()).isEmpty();
    }
}
