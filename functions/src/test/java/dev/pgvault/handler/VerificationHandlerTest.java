package dev.pgvault.handler;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.pgvault.archive.Compression;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.archive.signing.KmsManifestSigner;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.backup.RunOwner;
import dev.pgvault.config.AwsClients;
import dev.pgvault.config.Environment;
import dev.pgvault.config.VerificationConfig;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.metrics.EmfVerificationMetrics;
import dev.pgvault.notify.HttpDelivery;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.S3Store;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.Events;
import dev.pgvault.testing.KmsStandIn;
import dev.pgvault.testing.SharedS3;
import dev.pgvault.testing.TestContext;
import dev.pgvault.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The verification function driven by the events/ files: S3 protocol server, KMS and Secrets
 * Manager stand-ins, the real PostgreSQL as scratch server, Slack and PagerDuty over HTTP.
 */
class VerificationHandlerTest {
    private static final String KEY = "daily/auth-db-backup-2026-11-24.sql.gz";
    private static final String SCRATCH_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/scratch-AbCdEf";
    private static final String SLACK_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/slack-AbCdEf";
    private static final String PAGERDUTY_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/pd-AbCdEf";
    private static final String WEBHOOK_PATH = "/services/T0/B0/w3bh00ks3cr3t";
    private static final String ROUTING_KEY = "pdr0ut1ngk3y0000000000000000abcd";
    private static final Instant CHECK = Instant.parse("2026-11-24T04:00:00Z");

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    private WireMockServer http;
    private final KmsStandIn kms = new KmsStandIn();
    private S3Client s3;
    private String bucket;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private PrintStream originalOut;

    @BeforeEach
    void setUp() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 25);
        }
        http = new WireMockServer(wireMockConfig().dynamicPort());
        http.start();
        secret(SCRATCH_ARN, "{\"username\":\"" + db.server().superuser() + "\",\"host\":\"127.0.0.1\",\"port\":"
                + db.server().port() + "}");
        secret(SLACK_ARN, http.baseUrl() + WEBHOOK_PATH);
        secret(PAGERDUTY_ARN, ROUTING_KEY);
        http.stubFor(post(WEBHOOK_PATH).willReturn(aResponse().withStatus(200).withBody("ok")));
        http.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)));
        s3 = SharedS3.client();
        bucket = SharedS3.newBucket();
        new BackupService(new S3Store(s3, bucket, ""), db::connect, BackupMetrics.NONE,
                Clock.fixed(Instant.parse("2026-11-24T02:00:00Z"), ZoneOffset.UTC), DumpOptions.defaults(),
                new KmsManifestSigner(kms.client(), KmsStandIn.KEY_ARN))
                .run(new BackupRequest(BackupKind.DAILY, "auth-db", Compression.GZIP, 6, Encryptors.none(),
                        RunOwner.thisProcess(), false), DumpProgress.NONE);
        originalOut = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() throws Exception {
        System.setOut(originalOut);
        http.stop();
        kms.close();
        s3.close();
        try (Connection c = db.server().connect("postgres");
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgvault\\_verify\\_%'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("scratch databases left").isZero();
        }
    }

    private void secret(String arn, String value) throws Exception {
        http.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .withRequestBody(containing(arn))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"ARN\":\"" + arn + "\",\"SecretString\":"
                                + new ObjectMapper().writeValueAsString(value) + "}")));
    }

    private Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>();
        environment.put(VerificationConfig.BUCKET, bucket);
        environment.put(VerificationConfig.BACKUP_NAME, "auth-db");
        environment.put(VerificationConfig.SIGNING_KEY, KmsStandIn.KEY_ARN);
        environment.put(VerificationConfig.SCRATCH_SECRET, SCRATCH_ARN);
        environment.put(VerificationConfig.SLACK_WEBHOOK_SECRET, SLACK_ARN);
        environment.put(VerificationConfig.PAGERDUTY_SECRET, PAGERDUTY_ARN);
        environment.put(VerificationHandler.PAGERDUTY_EVENTS_URL, http.baseUrl() + "/v2/enqueue");
        environment.put(VerificationConfig.METRICS_NAMESPACE, "pgvault-test");
        return environment;
    }

    private VerificationHandler handler(Map<String, String> environment, Instant now) {
        SecretsManagerClient secrets = SecretsManagerClient.builder()
                .endpointOverride(URI.create(http.baseUrl()))
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        return new VerificationHandler(new Environment(environment),
                () -> new AwsClients(s3, secrets, null, kms.client()), () -> null, null,
                Clock.fixed(now, ZoneOffset.UTC),
                new HttpDelivery(HttpClient.newHttpClient(), d -> { }, 3, Duration.ofSeconds(1)));
    }

    private List<JsonNode> emf() throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : stdout.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{") && line.contains("\"_aws\"")) {
                lines.add(new ObjectMapper().readTree(line));
            }
        }
        return lines;
    }

    private List<JsonNode> bodies(String path) throws Exception {
        List<JsonNode> bodies = new ArrayList<>();
        for (var request : http.findAll(postRequestedFor(urlEqualTo(path)))) {
            bodies.add(new ObjectMapper().readTree(request.getBodyAsString()));
        }
        return bodies;
    }

    @Test
    void theWeeklyScheduleVerifiesTheNewestBackupReportsMetricsAndResolvesIncidents() throws Exception {
        Map<String, Object> response = handler(environment(), CHECK)
                .handleRequest(Events.load("verify-scheduled.json"), new TestContext("pgvault-verify", 900_000));

        assertThat(response).containsEntry("status", "ok").containsEntry("key", KEY)
                .containsEntry("newestGoodBackup", KEY).containsEntry("hoursSinceLastVerification", 0.0);
        assertThat((Double) response.get("restoreSeconds")).isNotNull();
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key(KEY + ".verification.json")).asUtf8String())
                .contains("\"status\" : \"OK\"");
        List<JsonNode> metrics = emf();
        assertThat(metrics).anySatisfy(m -> {
            assertThat(m.get(EmfVerificationMetrics.SUCCEEDED).asInt()).isEqualTo(1);
            assertThat(m.get(EmfVerificationMetrics.FAILED).asInt()).isZero();
            assertThat(m.get("Result").asText()).isEqualTo("Ok");
            assertThat(m.get("BackupName").asText()).isEqualTo("auth-db");
            assertThat(m.get(EmfVerificationMetrics.BYTES_VERIFIED).asLong()).isPositive();
        });
        assertThat(metrics).anySatisfy(m -> {
            assertThat(m.has(EmfVerificationMetrics.RESTORE_SECONDS)).isTrue();
            assertThat(m.get(EmfVerificationMetrics.HOURS_SINCE_SUCCESS).asDouble()).isZero();
        });
        // PagerDuty: every check's incident resolved; Slack: nothing for a plain success.
        assertThat(bodies("/v2/enqueue")).extracting(b -> b.get("event_action").asText()).containsOnly("resolve");
        assertThat(bodies(WEBHOOK_PATH)).isEmpty();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).doesNotContain(ROUTING_KEY).doesNotContain("w3bh00ks3cr3t");
    }

    @Test
    void aDamagedBackupIsAnsweredNotThrownAndPagesAndPostsToSlack() throws Exception {
        byte[] object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(KEY)).asByteArray();
        object[object.length / 2] ^= 1;
        s3.putObject(b -> b.bucket(bucket).key(KEY), software.amazon.awssdk.core.sync.RequestBody.fromBytes(object));

        Map<String, Object> response = handler(environment(), CHECK)
                .handleRequest(Events.load("verify-backup.json"), new TestContext("pgvault-verify", 900_000));

        assertThat(response).containsEntry("status", "checksum_mismatch").containsEntry("key", KEY)
                .containsEntry("newestGoodBackup", null).containsEntry("undeliveredNotices", List.of());
        assertThat(emf()).anySatisfy(m -> {
            assertThat(m.get(EmfVerificationMetrics.FAILED).asInt()).isEqualTo(1);
            assertThat(m.get("Result").asText()).isEqualTo("ChecksumMismatch");
        });
        JsonNode trigger = bodies("/v2/enqueue").get(0);
        assertThat(trigger.get("event_action").asText()).isEqualTo("trigger");
        assertThat(trigger.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
        assertThat(trigger.get("dedup_key").asText()).isEqualTo("pgvault/auth-db/verification");
        assertThat(trigger.get("payload").get("source").asText()).isEqualTo("pgvault-verify");
        assertThat(trigger.get("payload").get("severity").asText()).isEqualTo("critical");
        assertThat(bodies(WEBHOOK_PATH)).singleElement().satisfies(m ->
                assertThat(m.get("text").asText()).contains("CHECKSUM_MISMATCH"));
        assertThat(stdout.toString(StandardCharsets.UTF_8)).doesNotContain(ROUTING_KEY).doesNotContain("w3bh00ks3cr3t");
    }

    @Test
    void theDailyReportEmitsTheHoursSinceTheLastSuccessfulVerification() throws Exception {
        handler(environment(), CHECK).handleRequest(Events.load("verify-latest.json"),
                new TestContext("pgvault-verify", 900_000));
        stdout.reset();
        Map<String, Object> response = handler(environment(), CHECK.plus(Duration.ofHours(30)))
                .handleRequest(Events.load("verify-report.json"), new TestContext("pgvault-verify", 60_000));
        assertThat(response).containsEntry("status", "reported");
        assertThat((Double) response.get("hoursSinceLastVerification")).isBetween(29.0, 31.0);
        assertThat(emf()).singleElement().satisfies(m ->
                assertThat(m.get(EmfVerificationMetrics.HOURS_SINCE_SUCCESS).asDouble()).isBetween(29.0, 31.0));
    }

    @Test
    void aConfigurationErrorFailsTheInvocationAndCountsAsAFailedVerification() throws Exception {
        Map<String, String> environment = environment();
        environment.remove(VerificationConfig.SCRATCH_SECRET);
        VerificationHandler handler = handler(environment, CHECK);
        assertThatThrownBy(() -> handler.handleRequest(Events.load("verify-scheduled.json"),
                new TestContext("pgvault-verify", 900_000)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(VerificationConfig.SCRATCH_SECRET);
        assertThat(emf()).anySatisfy(m -> {
            assertThat(m.get(EmfVerificationMetrics.FAILED).asInt()).isEqualTo(1);
            assertThat(m.get("Result").asText()).isEqualTo("Error");
        });
    }

    @Test
    void eventsAreReadStrictly() {
        assertThat(VerificationHandler.requestOf(Map.of("detail-type", "Scheduled Event")).backup()).isEqualTo("latest");
        assertThat(VerificationHandler.requestOf(Events.load("verify-backup.json")).backup()).isEqualTo(KEY);
        assertThat(VerificationHandler.requestOf(Events.load("verify-report.json")).reportOnly()).isTrue();
        assertThatThrownBy(() -> VerificationHandler.requestOf(Map.of("kind", "daily")))
                .hasMessageContaining("unknown");
        assertThatThrownBy(() -> VerificationHandler.requestOf(Map.of("backup", KEY, "name", "auth-db")))
                .hasMessageContaining("latest");
    }
}
