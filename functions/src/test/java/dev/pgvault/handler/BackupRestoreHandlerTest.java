package dev.pgvault.handler;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.archive.signing.KmsManifestSigner;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.config.AwsClients;
import dev.pgvault.config.BackupRestoreConfig;
import dev.pgvault.config.Environment;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.erasure.ErasureLedger;
import dev.pgvault.errors.BackupNotVerifiedException;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.ManifestMismatchException;
import dev.pgvault.errors.RestoreRefusedException;
import dev.pgvault.errors.RunCancelledException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.S3Store;
import dev.pgvault.testing.KmsStandIn;
import dev.pgvault.testing.ProjectFiles;
import dev.pgvault.testing.SharedS3;
import dev.pgvault.testing.TestContext;
import dev.pgvault.testing.TestDatabase;
import dev.pgvault.verify.VerificationRecord;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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
 * The restore function driven by the events/restore-*.json files: S3 protocol server, KMS and
 * Secrets Manager stand-ins, a real PostgreSQL as the production instance.
 */
class BackupRestoreHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "daily/auth-db-backup-2026-11-24.sql.gz";
    private static final String DB_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf";
    private static final Instant NOW = Instant.parse("2026-11-25T09:00:00Z");

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    private WireMockServer http;
    private final KmsStandIn kms = new KmsStandIn();
    private S3Client s3;
    private String bucket;
    private S3Store store;

    @BeforeEach
    void setUp() throws Exception {
        db.execute("""
                CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE NOT NULL);
                INSERT INTO users SELECT g, 'user' || g || '@example.org' FROM generate_series(1, 40) g;
                INSERT INTO users VALUES (41, 'erin.erased@example.org');
                """);
        http = new WireMockServer(wireMockConfig().dynamicPort());
        http.start();
        http.stubFor(post(urlEqualTo("/"))
                .withHeader("X-Amz-Target", equalTo("secretsmanager.GetSecretValue"))
                .withRequestBody(containing(DB_ARN))
                .willReturn(aResponse().withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody("{\"ARN\":\"" + DB_ARN + "\",\"SecretString\":" + JSON.writeValueAsString(
                                "{\"username\":\"" + db.server().superuser() + "\",\"host\":\"127.0.0.1\",\"port\":"
                                        + db.server().port() + ",\"dbname\":\"" + db.name() + "\"}") + "}")));
        s3 = SharedS3.client();
        bucket = SharedS3.newBucket();
        store = new S3Store(s3, bucket, "");
        new BackupService(store, db::connect, BackupMetrics.NONE,
                Clock.fixed(Instant.parse("2026-11-24T02:00:00Z"), ZoneOffset.UTC), DumpOptions.defaults(),
                new KmsManifestSigner(kms.client(), KmsStandIn.KEY_ARN))
                .run(BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 6), DumpProgress.NONE);
        ErasureLedger ledger = new ErasureLedger(store, Clock.fixed(NOW, ZoneOffset.UTC));
        ledger.configure("DELETE FROM users WHERE email = :subject;");
        ledger.append("erin.erased@example.org", "dpo", "art. 17 #41", Encryptors.none());
    }

    @AfterEach
    void tearDown() {
        http.stop();
        kms.close();
        s3.close();
    }

    private Map<String, String> environment() {
        Map<String, String> environment = new HashMap<>();
        environment.put(BackupRestoreConfig.BUCKET, bucket);
        environment.put(BackupRestoreConfig.BACKUP_NAME, "auth-db");
        environment.put(BackupRestoreConfig.SIGNING_KEY, KmsStandIn.KEY_ARN);
        environment.put(BackupRestoreConfig.DATABASE_SECRET, DB_ARN);
        return environment;
    }

    private JsonNode invoke(Map<String, String> environment, JsonNode event) throws Exception {
        return invoke(environment, event, 900_000);
    }

    private JsonNode invoke(Map<String, String> environment, JsonNode event, int remainingMillis) throws Exception {
        SecretsManagerClient secrets = SecretsManagerClient.builder()
                .endpointOverride(URI.create(http.baseUrl()))
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        BackupRestoreHandler handler = new BackupRestoreHandler(new Environment(environment),
                () -> new AwsClients(s3, secrets, null, kms.client()), Clock.fixed(NOW, ZoneOffset.UTC));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event)), out,
                new TestContext("pgvault-restore", remainingMillis));
        return JSON.readTree(out.toString(StandardCharsets.UTF_8));
    }

    private static ObjectNode event(String name) throws Exception {
        return (ObjectNode) JSON.readTree(ProjectFiles.read("events/" + name));
    }

    private void recordVerification(String status, long millis) {
        new VerificationRecord(KEY, status, NOW.minusSeconds(3600), millis, "scratch", List.of()).save(store);
    }

    @Test
    void latestVerifiedIsChosenAndRestoredIntoANewDatabaseWithTheLedgerAppliedThenDropped() throws Exception {
        assertThatThrownBy(() -> invoke(environment(), event("restore-choose.json")))
                .isInstanceOf(BackupNotVerifiedException.class).hasMessageContaining("no backup of auth-db");
        recordVerification("OK", 2_000);

        JsonNode choice = invoke(environment(), event("restore-choose.json"));
        assertThat(choice.path("key").asText()).isEqualTo(KEY);
        assertThat(choice.path("objectKey").asText()).isEqualTo(KEY);
        assertThat(choice.path("bucket").asText()).isEqualTo(bucket);
        assertThat(choice.path("cold").asBoolean()).isFalse();
        assertThat(choice.path("verification").asText()).isEqualTo("OK");
        assertThat(choice.path("rate").asText()).contains("measured by the verification of " + KEY);

        JsonNode restored = invoke(environment(), event("restore-new-database.json"));
        String database = restored.path("database").asText();
        assertThat(database).isEqualTo(db.name() + "_restore_20261125_090000");
        assertThat(restored.path("erasure").path("rowsDeleted").asLong()).isEqualTo(1);
        assertThat(db.queryLong(database, "SELECT count(*) FROM users")).isEqualTo(40);
        assertThat(db.queryLong(db.name(), "SELECT count(*) FROM users")).as("production untouched").isEqualTo(41);

        ObjectNode erase = event("restore-erase.json").put("database", database);
        assertThat(invoke(environment(), erase).path("entries").asInt()).as("again: nothing left to erase").isEqualTo(1);
        assertThat(invoke(environment(), erase).path("rowsDeleted").asLong()).isZero();

        assertThatThrownBy(() -> invoke(environment(), event("restore-drop.json").put("database", db.name())))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("never the one the server's secret");
        invoke(environment(), event("restore-drop.json").put("database", database));
        assertThat(db.queryLong("postgres", "SELECT count(*) FROM pg_database WHERE datname = '" + database + "'"))
                .isZero();
    }

    @Test
    void aBackupWhoseVerificationFailedIsRefusedUnlessAllowed() throws Exception {
        recordVerification("CHECKSUM_MISMATCH", 2_000);
        ObjectNode byKey = event("restore-choose.json").put("backup", KEY);

        assertThatThrownBy(() -> invoke(environment(), byKey)).isInstanceOf(BackupNotVerifiedException.class)
                .hasMessageContaining("CHECKSUM_MISMATCH").hasMessageContaining("allowUnverified");
        JsonNode allowed = invoke(environment(), byKey.put("allowUnverified", true));
        assertThat(allowed.path("verification").asText()).isEqualTo("CHECKSUM_MISMATCH");
        ObjectNode byDate = event("restore-choose.json").put("backup", "2026-11-24").put("allowUnverified", true);
        assertThat(invoke(environment(), byDate).path("key").asText()).isEqualTo(KEY);
    }

    @Test
    void aRestoreThatWouldNotFitTheFunctionIsRefusedAtTheStartSayingHowToRunItFromTheCli() throws Exception {
        recordVerification("OK", 50_000_000); // measured: very slow
        Map<String, String> environment = environment();
        environment.put(BackupRestoreConfig.BUDGET_SECONDS, "60");

        assertThatThrownBy(() -> invoke(environment, event("restore-choose.json")))
                .isInstanceOf(RestoreRefusedException.class).hasMessageContaining("more than the 1 min")
                .hasMessageContaining("pgvault restore --repo").hasMessageContaining("Kubernetes Job");
        assertThatThrownBy(() -> invoke(environment, event("restore-new-database.json")))
                .isInstanceOf(RestoreRefusedException.class);
        assertThat(db.queryLong("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE '%restore%'"))
                .as("nothing was created").isZero();
    }

    /**
     * The platform's kill at the time limit would leave the new database half-restored: the
     * watchdog stops the restore first (here 600 s before a limit 600.3 s away, so 0.3 s in, while
     * a million rows load), the new database is dropped, and the failure is a Timeout.
     */
    @Test
    void aRestoreStillRunningNearTheTimeLimitIsStoppedAndItsNewDatabaseDropped() throws Exception {
        db.execute("CREATE TABLE events (id bigint, body text);"
                + " INSERT INTO events SELECT g, repeat('e', 40) || g FROM generate_series(1, 1000000) g");
        String big = new BackupService(store, db::connect, BackupMetrics.NONE,
                Clock.fixed(Instant.parse("2026-11-25T02:00:00Z"), ZoneOffset.UTC), DumpOptions.defaults(),
                new KmsManifestSigner(kms.client(), KmsStandIn.KEY_ARN))
                .run(BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 1), DumpProgress.NONE).key();
        new VerificationRecord(big, "OK", NOW.minusSeconds(3600), 10, "scratch", List.of()).save(store);
        Map<String, String> environment = environment();
        environment.put("PGVAULT_WATCHDOG_MARGIN_SECONDS", "600");

        assertThatThrownBy(() -> invoke(environment, event("restore-new-database.json").put("key", big), 600_300))
                .isInstanceOf(RunCancelledException.class)
                .hasMessageStartingWith("stopped 600 s before the function's time limit, so that the new database is"
                        + " dropped")
                .hasMessageContaining("pgvault restore --repo")
                .hasMessageContaining("was dropped");
        assertThat(((RunCancelledException) catchThrowable(() -> invoke(environment,
                event("restore-new-database.json").put("key", big), 600_300))).reason())
                .isEqualTo(dev.pgvault.run.Cancellation.Reason.TIMEOUT);
        assertThat(db.queryLong("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE '%restore%'"))
                .as("no half-restored database").isZero();
    }

    @Test
    void aBackupThatDoesNotMatchItsManifestIsAManifestMismatchAndLeavesNoDatabase() throws Exception {
        byte[] object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(KEY)).asByteArray();
        object[object.length / 2] ^= 1;
        s3.putObject(b -> b.bucket(bucket).key(KEY), software.amazon.awssdk.core.sync.RequestBody.fromBytes(object));

        assertThatThrownBy(() -> invoke(environment(), event("restore-new-database.json")))
                .isInstanceOf(ManifestMismatchException.class).hasMessageContaining("was dropped");
        assertThat(db.queryLong("postgres", "SELECT count(*) FROM pg_database WHERE datname LIKE '%restore%'"))
                .isZero();
    }

    @Test
    void aSecretOtherThanTheConfiguredOnesIsRefused() throws Exception {
        ObjectNode elsewhere = event("restore-new-database.json")
                .put("targetSecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:other-XyZ123");
        assertThatThrownBy(() -> invoke(environment(), elsewhere)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("RestoreTargetSecretArn");
    }
}
