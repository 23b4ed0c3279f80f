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
import dev.pgvault.config.AwsClients;
import dev.pgvault.config.BackupConfig;
import dev.pgvault.config.Environment;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.errors.WrongSourceException;
import dev.pgvault.metrics.EmfBackupMetrics;
import dev.pgvault.repoint.ActiveEndpoint;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.Events;
import dev.pgvault.testing.KmsStandIn;
import dev.pgvault.testing.SharedS3;
import dev.pgvault.testing.TestContext;
import dev.pgvault.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
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
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The backup function follows the application: when the stack records the active endpoint (SSM,
 * written after a successful repoint), a backup of any other database fails, naming both, and
 * writes nothing. Secrets Manager and SSM speak their JSON protocols from one WireMock server.
 */
class BackupActiveEndpointTest {
    private static final String SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/auth-db-AbCdEf";
    private static final String PARAMETER = "/pgvault/prod/active-endpoint";
    private static final String PASSWORD = "s3cr3t-Pa55word!";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    private WireMockServer aws;
    private final KmsStandIn kms = new KmsStandIn();
    private S3Client s3;
    private String bucket;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private PrintStream originalOut;

    @BeforeEach
    void setUp() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 5);
            c.createStatement().execute("CREATE ROLE backup_user LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'");
        }
        aws = new WireMockServer(wireMockConfig().dynamicPort());
        aws.start();
        String rdsSecret = "{\"username\":\"backup_user\",\"password\":\"" + PASSWORD + "\",\"engine\":\"postgres\","
                + "\"host\":\"127.0.0.1\",\"port\":" + db.server().port() + ",\"dbname\":\"" + db.name() + "\"}";
        aws.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"ARN\":\"" + SECRET_ARN + "\",\"Name\":\"prod/auth-db\",\"SecretString\":"
                                + JSON.writeValueAsString(rdsSecret) + "}")));
        s3 = SharedS3.client();
        bucket = SharedS3.newBucket();
        originalOut = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        System.setOut(originalOut);
        aws.stop();
        kms.close();
        s3.close();
        db.execute("postgres", "DROP ROLE IF EXISTS backup_user");
    }

    @Test
    void theRecordedDatabaseIsBackedUp() {
        parameterHolds(ActiveEndpoint.of("127.0.0.1", db.server().port(), db.name()).toJson());
        assertThat(backUp()).containsEntry("status", "written");
        aws.verify(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParameter"))
                .withRequestBody(containing(PARAMETER)));
    }

    @Test
    void anotherDatabaseIsRefusedNamingBothAndNothingIsWritten() throws Exception {
        String restored = "auth-db-prod-pitr-2024-01-01-1155.c1x2y3z4.eu-west-1.rds.amazonaws.com";
        parameterHolds("{\"host\":\"" + restored + "\",\"port\":5432,\"database\":\"" + db.name()
                + "\",\"instance\":\"auth-db-prod-pitr-2024-01-01-1155\",\"recordedAt\":\"2024-01-01T12:41:31Z\"}");

        assertThatThrownBy(this::backUp)
                .isExactlyInstanceOf(WrongSourceException.class)
                .hasMessageContaining("secret " + SECRET_ARN + " names 127.0.0.1:" + db.server().port() + "/" + db.name())
                .hasMessageContaining("the application uses " + restored + ":5432/" + db.name()
                        + " (instance auth-db-prod-pitr-2024-01-01-1155)")
                .hasMessageContaining(PARAMETER)
                .hasMessageContaining("nothing was backed up")
                .message().doesNotContain(PASSWORD);
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
        assertThat(failuresEmitted()).containsExactly("1 WrongSource");
    }

    @Test
    void aDifferentDatabaseNameOnTheSameServerIsAnotherDatabase() {
        parameterHolds(ActiveEndpoint.of("127.0.0.1", db.server().port(), "auth_db_restored").toJson());
        assertThatThrownBy(this::backUp).isInstanceOf(WrongSourceException.class)
                .hasMessageContaining("/auth_db_restored");
    }

    @Test
    void nothingRecordedYetOrNoParameterChecksNothing() {
        parameterHolds(ActiveEndpoint.UNSET);
        assertThat(backUp()).containsEntry("status", "written");

        aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParameter"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"__type\":\"ParameterNotFound\",\"message\":\"not found\"}")));
        assertThat(ActiveEndpoint.read(ssm(), PARAMETER)).isEmpty();
    }

    @Test
    void aValueThatIsNotAnEndpointIsAConfigurationErrorNotAPass() {
        parameterHolds("auth-db-prod.c1x2y3z4.eu-west-1.rds.amazonaws.com");
        assertThatThrownBy(this::backUp).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("SSM parameter " + PARAMETER + " does not hold an active endpoint");
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
    }

    @Test
    void writeStoresJsonWithoutCredentialsAndReadGivesItBack() throws Exception {
        aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM.PutParameter"))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"Version\":2,\"Tier\":\"Standard\"}")));
        ActiveEndpoint endpoint = new ActiveEndpoint("db.example.internal", 6432, "auth_db",
                Optional.of("auth-db-prod-pitr-2024-01-01-1155"), Optional.of(Instant.parse("2024-01-01T12:41:31Z")),
                Optional.of("arn:aws:states:eu-west-1:123456789012:execution:pitr:e-42"));
        endpoint.write(ssm(), PARAMETER);

        JsonNode put = JSON.readTree(aws.findAll(postRequestedFor(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("AmazonSSM.PutParameter"))).get(0).getBodyAsString());
        assertThat(put.path("Name").asText()).isEqualTo(PARAMETER);
        assertThat(put.path("Overwrite").asBoolean()).isTrue();
        assertThat(put.path("Type").asText()).isEqualTo("String");
        parameterHolds(put.path("Value").asText());
        assertThat(ActiveEndpoint.read(ssm(), PARAMETER)).contains(endpoint);
        assertThat(endpoint.matches("DB.example.internal.", 6432, "auth_db")).isTrue();
        assertThat(endpoint.matches("db.example.internal", 5432, "auth_db")).isFalse();
    }

    // ------------------------------------------------------------------ helpers

    private void parameterHolds(String value) {
        try {
            aws.stubFor(post(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AmazonSSM.GetParameter"))
                    .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1")
                            .withBody("{\"Parameter\":{\"Name\":\"" + PARAMETER + "\",\"Type\":\"String\",\"Value\":"
                                    + JSON.writeValueAsString(value) + ",\"Version\":1}}")));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Object> backUp() {
        Map<String, String> environment = new HashMap<>(Map.of(
                BackupConfig.BUCKET, bucket,
                BackupConfig.BACKUP_NAME, "auth-db",
                BackupConfig.DATABASE_SECRET, SECRET_ARN,
                BackupConfig.SIGNING_KEY, KmsStandIn.KEY_ARN,
                BackupConfig.METRICS_NAMESPACE, "pgvault-test",
                BackupConfig.ACTIVE_ENDPOINT_PARAMETER, PARAMETER));
        SecretsManagerClient secrets = SecretsManagerClient.builder()
                .endpointOverride(URI.create(aws.baseUrl())).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.create()).build();
        BackupHandler handler = new BackupHandler(new Environment(environment),
                () -> new AwsClients(s3, secrets, ssm(), kms.client()), null,
                Clock.fixed(Instant.parse("2026-11-24T02:00:03Z"), ZoneOffset.UTC));
        return handler.handleRequest(Events.load("backup-scheduled.json"), new TestContext("pgvault-backup", 900_000));
    }

    private SsmClient ssm() {
        return SsmClient.builder().endpointOverride(URI.create(aws.baseUrl())).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    private java.util.List<String> failuresEmitted() throws Exception {
        java.util.List<String> classes = new java.util.ArrayList<>();
        for (String line : stdout.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{") && line.contains("\"_aws\"") && line.contains("\"" + EmfBackupMetrics.FAILED + "\"")) {
                JsonNode json = JSON.readTree(line);
                classes.add(json.get(EmfBackupMetrics.FAILED).asInt() + " " + json.path("ErrorClass").asText());
            }
        }
        return classes;
    }
}
