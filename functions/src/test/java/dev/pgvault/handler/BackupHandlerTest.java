package dev.pgvault.handler;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.pgvault.config.AwsClients;
import dev.pgvault.config.BackupConfig;
import dev.pgvault.config.Environment;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.metrics.EmfBackupMetrics;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.Events;
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
 * The backup function driven by the events/ files, against a real PostgreSQL, the S3 protocol
 * server, and Secrets Manager's JSON protocol served over HTTP.
 */
class BackupHandlerTest {
    private static final String SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/auth-db-AbCdEf";
    private static final String PASSWORD = "s3cr3t-Pa55word!";

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    private WireMockServer secretsManager;
    private final dev.pgvault.testing.KmsStandIn kms = new dev.pgvault.testing.KmsStandIn();
    private S3Client s3;
    private String bucket;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private PrintStream originalOut;

    @BeforeEach
    void setUp() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 25);
            // The function logs in with a password, as against RDS.
            c.createStatement().execute("CREATE ROLE backup_user LOGIN SUPERUSER PASSWORD '" + PASSWORD + "'");
        }
        secretsManager = new WireMockServer(wireMockConfig().dynamicPort());
        secretsManager.start();
        String rdsSecret = "{\"username\":\"backup_user\",\"password\":\"" + PASSWORD + "\",\"engine\":\"postgres\","
                + "\"host\":\"127.0.0.1\",\"port\":" + db.server().port() + ",\"dbname\":\"" + db.name() + "\"}";
        secretsManager.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .withRequestBody(containing(SECRET_ARN))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"ARN\":\"" + SECRET_ARN + "\",\"Name\":\"prod/auth-db\",\"SecretString\":"
                                + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(rdsSecret) + "}")));
        s3 = SharedS3.client();
        bucket = SharedS3.newBucket();
        originalOut = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void tearDown() {
        System.setOut(originalOut);
        secretsManager.stop();
        kms.close();
        s3.close();
        db.execute("postgres", "DROP ROLE IF EXISTS backup_user");
    }

    private BackupHandler handler(Instant now) {
        return handler(now, Map.of());
    }

    private BackupHandler handler(Instant now, Map<String, String> extraEnvironment) {
        Map<String, String> environment = new java.util.HashMap<>(Map.of(
                BackupConfig.BUCKET, bucket,
                BackupConfig.BACKUP_NAME, "auth-db",
                BackupConfig.DATABASE_SECRET, SECRET_ARN,
                BackupConfig.SIGNING_KEY, dev.pgvault.testing.KmsStandIn.KEY_ARN,
                BackupConfig.METRICS_NAMESPACE, "pgvault-test"));
        environment.putAll(extraEnvironment);
        BackupConfig config = BackupConfig.from(new Environment(environment));
        SecretsManagerClient secrets = SecretsManagerClient.builder()
                .endpointOverride(URI.create(secretsManager.baseUrl()))
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        return new BackupHandler(config, new AwsClients(s3, secrets, null, kms.client()),
                new EmfBackupMetrics("pgvault-test", "auth-db"), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void scheduledEventWritesTheDailyBackupAndEmitsMetrics() throws Exception {
        Map<String, Object> response = handler(Instant.parse("2026-11-24T02:00:03Z"))
                .handleRequest(Events.load("backup-scheduled.json"), new TestContext("pgvault-backup", 900_000));

        assertThat(response).containsEntry("status", "written")
                .containsEntry("key", "daily/auth-db-backup-2026-11-24.sql.gz")
                .containsEntry("tables", 2);
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).extracting(o -> o.key())
                .containsExactly("daily/auth-db-backup-2026-11-24.sql.gz",
                        "daily/auth-db-backup-2026-11-24.sql.gz.manifest.json",
                        "daily/auth-db-backup-2026-11-24.sql.gz.manifest.json.sig");
        // The manifest is signed by the KMS key; openssl checks it with the key's public half.
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sig");
        java.nio.file.Path manifest = dir.resolve("m.json");
        java.nio.file.Path signature = dir.resolve("m.sig");
        java.nio.file.Path publicKey = dir.resolve("pub.pem");
        s3.getObject(b -> b.bucket(bucket).key("daily/auth-db-backup-2026-11-24.sql.gz.manifest.json"), manifest);
        s3.getObject(b -> b.bucket(bucket).key("daily/auth-db-backup-2026-11-24.sql.gz.manifest.json.sig"), signature);
        java.nio.file.Files.writeString(publicKey, dev.pgvault.archive.signing.SigningKeys.publicPem(kms.publicKey()));
        Process openssl = new ProcessBuilder("openssl", "dgst", "-sha256", "-verify", publicKey.toString(),
                "-signature", signature.toString(), manifest.toString()).redirectErrorStream(true).start();
        assertThat(new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("Verified OK");
        assertThat(openssl.waitFor()).isZero();
        String emf = stdout.toString(StandardCharsets.UTF_8);
        assertThat(emf).contains("\"" + EmfBackupMetrics.SUCCEEDED + "\"").contains("\"pgvault-test\"")
                .contains("\"" + EmfBackupMetrics.LAST_BACKUP + "\"");
        assertThat(emf).doesNotContain(PASSWORD);
    }

    @Test
    void opensslEncryptionWithThePassphraseFromSecretsManager() throws Exception {
        String passphraseArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/backup-passphrase-XyZ";
        String passphrase = "Tr0ub4dor&3-backup-passphrase";
        secretsManager.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .withRequestBody(containing(passphraseArn))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"ARN\":\"" + passphraseArn + "\",\"SecretString\":\"" + passphrase + "\"}")));

        Map<String, Object> response = handler(Instant.parse("2026-11-24T02:00:03Z"), Map.of(
                dev.pgvault.config.EncryptionConfig.MODE, "openssl",
                dev.pgvault.config.EncryptionConfig.PASSPHRASE_REF, passphraseArn))
                .handleRequest(Events.load("backup-scheduled.json"), new TestContext("pgvault-backup", 900_000));

        assertThat(response).containsEntry("key", "daily/auth-db-backup-2026-11-24.sql.gz.enc");
        String manifest = s3.getObjectAsBytes(b -> b.bucket(bucket)
                .key("daily/auth-db-backup-2026-11-24.sql.gz.enc.manifest.json")).asUtf8String();
        assertThat(manifest).contains("\"mode\" : \"openssl\"").doesNotContain(passphrase);
        assertThat(stdout.toString(StandardCharsets.UTF_8)).doesNotContain(passphrase).doesNotContain(PASSWORD);
        // Read once per invocation, each secret.
        assertThat(secretsManager.findAll(com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/"))
                .withRequestBody(containing(passphraseArn)))).hasSize(1);
    }

    @Test
    void encryptionWithoutItsKeyReferenceIsAConfigurationError() {
        assertThatThrownBy(() -> BackupConfig.from(new Environment(environment(
                Map.of(dev.pgvault.config.EncryptionConfig.MODE, "pgp")))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(dev.pgvault.config.EncryptionConfig.RECIPIENT_KEY_REFS);
    }

    @Test
    void aDuplicateDeliveryIsSkipped() {
        handler(Instant.parse("2026-11-24T02:00:03Z"))
                .handleRequest(Events.load("backup-scheduled.json"), new TestContext("pgvault-backup", 900_000));
        Map<String, Object> again = handler(Instant.parse("2026-11-24T02:00:09Z"))
                .handleRequest(Events.load("backup-scheduled.json"), new TestContext("pgvault-backup", 900_000));
        assertThat(again).containsEntry("status", "already_complete");
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).hasSize(3);
    }

    @Test
    void manualEventWritesToManual() {
        Map<String, Object> response = handler(Instant.parse("2026-11-24T10:15:30Z"))
                .handleRequest(Events.load("backup-manual.json"), new TestContext("pgvault-backup", 900_000));
        assertThat(response).containsEntry("key", "manual/auth-db-manual-2026-11-24-101530.sql.gz");
    }

    @Test
    void anEventWithoutAKindIsRefusedAndNothingIsWritten() {
        assertThatThrownBy(() -> handler(Instant.now()).handleRequest(Map.of("foo", "bar"),
                new TestContext("pgvault-backup", 900_000)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("\"kind\"");
        assertThatThrownBy(() -> handler(Instant.now()).handleRequest(Map.of("kind", "weekly"),
                new TestContext("pgvault-backup", 900_000)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("tiering");
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
    }

    @Test
    void aWrongPasswordFailsWithoutRevealingIt() throws Exception {
        db.execute("postgres", "ALTER ROLE backup_user PASSWORD 'rotated-elsewhere'");
        assertThatThrownBy(() -> handler(Instant.parse("2026-11-24T02:00:03Z"))
                .handleRequest(Events.load("backup-scheduled.json"), new TestContext("pgvault-backup", 900_000)))
                .hasMessageContaining("password authentication failed")
                .satisfies(e -> assertThat(stackText(e)).doesNotContain(PASSWORD));
        assertThat(failuresEmitted()).containsExactly("1 Connection");
        assertThat(stdout.toString(StandardCharsets.UTF_8)).doesNotContain(PASSWORD);
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
    }

    @Test
    void missingConfigurationNamesTheVariable() {
        assertThatThrownBy(() -> BackupConfig.from(new Environment(Map.of(BackupConfig.BUCKET, "b"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(BackupConfig.DATABASE_SECRET);
        assertThatThrownBy(() -> BackupConfig.from(new Environment(Map.of(BackupConfig.BUCKET, "b",
                BackupConfig.DATABASE_SECRET, "x", BackupConfig.SIGNING_KEY, "k", BackupConfig.COMPRESSION_LEVEL, "11"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(BackupConfig.COMPRESSION_LEVEL);
    }

    /** Built as Lambda builds it: configuration read from an environment map, failures kept for the invocation. */
    private BackupHandler handlerFromEnvironment(Map<String, String> environment) {
        SecretsManagerClient secrets = SecretsManagerClient.builder()
                .endpointOverride(URI.create(secretsManager.baseUrl()))
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        return new BackupHandler(new Environment(environment), () -> new AwsClients(s3, secrets, null, kms.client()), null,
                Clock.systemUTC());
    }

    private Map<String, String> environment(Map<String, String> extra) {
        Map<String, String> environment = new java.util.HashMap<>(Map.of(
                BackupConfig.BUCKET, bucket,
                BackupConfig.BACKUP_NAME, "auth-db",
                BackupConfig.DATABASE_SECRET, SECRET_ARN,
                BackupConfig.SIGNING_KEY, dev.pgvault.testing.KmsStandIn.KEY_ARN,
                BackupConfig.METRICS_NAMESPACE, "pgvault-test"));
        environment.putAll(extra);
        return environment;
    }

    private void stubSecret(String arn, String value) throws Exception {
        secretsManager.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .withRequestBody(containing(arn))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"ARN\":\"" + arn + "\",\"SecretString\":"
                                + new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(value) + "}")));
    }

    /** The ErrorClass of every BackupFailed metric this test's invocations emitted. */
    private java.util.List<String> failuresEmitted() throws Exception {
        java.util.List<String> classes = new java.util.ArrayList<>();
        for (String line : stdout.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{") && line.contains("\"_aws\"") && line.contains("\"" + EmfBackupMetrics.FAILED + "\"")) {
                var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
                assertThat(json.get("BackupName").asText()).isEqualTo("auth-db");
                classes.add(json.get(EmfBackupMetrics.FAILED).asInt() + " " + json.path("ErrorClass").asText());
            }
        }
        return classes;
    }

    private void invokeExpectingFailure(BackupHandler handler, Map<String, Object> event, Class<?> type,
                                        String message) {
        assertThatThrownBy(() -> handler.handleRequest(event, new TestContext("pgvault-backup", 900_000)))
                .isInstanceOf(type).hasMessageContaining(message);
    }

    @Test
    void everyFailureBeforeTheBackupStartsIsCountedWithItsClass() throws Exception {
        Map<String, Object> daily = Events.load("backup-scheduled.json");
        // A configuration error at cold start fails each invocation, counted, instead of the container.
        invokeExpectingFailure(handlerFromEnvironment(Map.of(BackupConfig.BUCKET, bucket,
                BackupConfig.BACKUP_NAME, "auth-db", BackupConfig.METRICS_NAMESPACE, "pgvault-test")), daily,
                ConfigurationException.class, BackupConfig.DATABASE_SECRET);
        // The database secret does not exist.
        invokeExpectingFailure(handlerFromEnvironment(environment(Map.of(BackupConfig.DATABASE_SECRET,
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:missing-AbCdEf"))), daily,
                dev.pgvault.errors.SecretUnavailableException.class, "missing-AbCdEf");
        // The openssl passphrase is empty.
        String passphraseArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:empty-passphrase-Xy";
        stubSecret(passphraseArn, "");
        invokeExpectingFailure(handlerFromEnvironment(environment(Map.of(
                dev.pgvault.config.EncryptionConfig.MODE, "openssl",
                dev.pgvault.config.EncryptionConfig.PASSPHRASE_REF, passphraseArn))), daily,
                dev.pgvault.errors.EncryptionKeyException.class, "empty");
        // A bad event.
        invokeExpectingFailure(handlerFromEnvironment(environment(Map.of())), Map.of("kind", "weekly"),
                InvalidRequestException.class, "tiering");

        assertThat(failuresEmitted()).containsExactly("1 Configuration", "1 Secret", "1 EncryptionKey",
                "1 InvalidRequest");
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
    }

    @Test
    void aSecretWithoutADatabaseNameIsRefusedUnlessOneIsConfigured() throws Exception {
        String noDbname = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:console-default-Zz";
        stubSecret(noDbname, "{\"username\":\"backup_user\",\"password\":\"" + PASSWORD + "\",\"engine\":\"postgres\","
                + "\"host\":\"127.0.0.1\",\"port\":" + db.server().port() + "}");
        invokeExpectingFailure(handlerFromEnvironment(environment(Map.of(BackupConfig.DATABASE_SECRET, noDbname))),
                Events.load("backup-scheduled.json"), ConfigurationException.class, BackupConfig.DATABASE_NAME);
        assertThat(failuresEmitted()).containsExactly("1 Configuration");

        Map<String, Object> response = handlerFromEnvironment(environment(Map.of(BackupConfig.DATABASE_SECRET, noDbname,
                BackupConfig.DATABASE_NAME, db.name()))).handleRequest(Events.load("backup-manual.json"),
                new TestContext("pgvault-backup", 900_000));
        assertThat(response).containsEntry("status", "written");
    }

    @Test
    void theWatchdogStopsTheRunBeforeTheDeadlineAndLeavesNothing() throws Exception {
        // A migration holds an exclusive lock: the dump waits; the deadline comes first.
        try (Connection migration = db.connect()) {
            migration.setAutoCommit(false);
            migration.createStatement().execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
            long started = System.nanoTime();
            assertThatThrownBy(() -> handlerFromEnvironment(environment(Map.of(
                    BackupConfig.WATCHDOG_MARGIN_SECONDS, "2"))).handleRequest(Events.load("backup-scheduled.json"),
                    new TestContext("pgvault-backup", 3_500)))
                    .isInstanceOf(dev.pgvault.errors.RunCancelledException.class)
                    .hasMessageContaining("before the function's time limit");
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(3));
            migration.rollback();
        }
        assertThat(failuresEmitted()).containsExactly("1 Timeout");
        assertThat(s3.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
        assertThat(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    private static String stackText(Throwable e) {
        java.io.StringWriter text = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(text));
        return text.toString();
    }
}
