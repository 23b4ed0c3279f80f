package dev.pgvault.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.pgvault.verify.VerificationReport;
import dev.pgvault.verify.VerificationResult;
import dev.pgvault.verify.VerificationStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Slack and PagerDuty against an HTTP stand-in: the payloads, the retry rules, no secret in errors. */
class NoticeDeliveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEBHOOK_PATH = "/services/T0000/B0000/s3cr3tw3bh00k";
    private static final String ROUTING_KEY = "R0UT1NGK3Y0123456789abcdef012345";
    private static final Instant AT = Instant.parse("2026-11-29T04:00:12Z");

    private WireMockServer server;
    private final List<Duration> waits = new ArrayList<>();
    private HttpDelivery http;

    @BeforeEach
    void start() {
        server = new WireMockServer(wireMockConfig().dynamicPort());
        server.start();
        http = new HttpDelivery(HttpClient.newHttpClient(), waits::add, 3, Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private URI url(String path) {
        return URI.create(server.baseUrl() + path);
    }

    private SlackNotifier slack(boolean onSuccess) {
        return new SlackNotifier(url(WEBHOOK_PATH), onSuccess, http);
    }

    private PagerDutyNotifier pagerDuty() {
        return new PagerDutyNotifier(ROUTING_KEY, url("/v2/enqueue"), "pgvault-prod/VerificationFunction", http);
    }

    private static VerificationReport failedReport() {
        VerificationResult result = new VerificationResult("daily/auth-db-backup-2026-11-29.sql.gz",
                VerificationStatus.CHECKSUM_MISMATCH, List.of("daily/auth-db-backup-2026-11-29.sql.gz is damaged or"
                + " was altered: its SHA-256 is 00ff, the manifest recorded 11ee; nothing was restored",
                "fell back: the newest backup that restores is daily/auth-db-backup-2026-11-28.sql.gz",
                "STALE: the newest daily backup ..."), AT, Duration.ofSeconds(3), null, 0);
        return new VerificationReport(result, List.of(result), "auth-db", "daily/auth-db-backup-2026-11-28.sql.gz",
                AT.minus(Duration.ofHours(26)), Duration.ofHours(26), null, List.of(VerificationStatus.STALE));
    }

    private static VerificationReport okReport(VerificationStatus previous) {
        VerificationResult result = new VerificationResult("daily/auth-db-backup-2026-12-06.sql.gz",
                VerificationStatus.OK, List.of("restored 2 tables"), AT, Duration.ofSeconds(9), Duration.ofSeconds(7),
                123_456);
        return new VerificationReport(result, List.of(result), "auth-db", result.key(), AT.minus(Duration.ofHours(2)),
                Duration.ofHours(2), previous, List.of());
    }

    private List<JsonNode> bodies(String path) throws Exception {
        List<JsonNode> bodies = new ArrayList<>();
        for (LoggedRequest request : server.findAll(postRequestedFor(urlEqualTo(path)))) {
            bodies.add(JSON.readTree(request.getBodyAsString()));
        }
        return bodies;
    }

    @Test
    void pagerDutyTriggersPerCheckWithADedupKeyPerBackupNameAndResolvesAfterASuccess() throws Exception {
        server.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)
                .withBody("{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"x\"}")));
        Notices notices = new Notices(List.of(pagerDuty()), (c, n) -> { });

        assertThat(notices.publishAll(Notice.of(failedReport(), AT))).isEmpty();

        List<JsonNode> triggers = bodies("/v2/enqueue");
        assertThat(triggers).hasSize(2);
        JsonNode verification = triggers.get(0);
        assertThat(verification.get("routing_key").asText()).isEqualTo(ROUTING_KEY);
        assertThat(verification.get("event_action").asText()).isEqualTo("trigger");
        assertThat(verification.get("dedup_key").asText()).isEqualTo("pgvault/auth-db/verification");
        JsonNode payload = verification.get("payload");
        assertThat(payload.get("summary").asText())
                .isEqualTo("pgvault: verification of auth-db failed: CHECKSUM_MISMATCH (daily/auth-db-backup-2026-11-29.sql.gz)");
        assertThat(payload.get("severity").asText()).isEqualTo("error"); // an older backup restores
        assertThat(payload.get("source").asText()).isEqualTo("pgvault-prod/VerificationFunction");
        assertThat(payload.get("component").asText()).isEqualTo("auth-db");
        assertThat(payload.get("custom_details").get("newest_good_backup").asText())
                .isEqualTo("daily/auth-db-backup-2026-11-28.sql.gz");
        assertThat(payload.get("custom_details").get("details").get(0).asText()).contains("SHA-256");
        assertThat(triggers.get(1).get("dedup_key").asText()).isEqualTo("pgvault/auth-db/freshness");
        assertThat(triggers.get(1).get("payload").get("summary").asText()).endsWith("[freshness]");

        server.resetRequests();
        assertThat(notices.publishAll(Notice.of(okReport(VerificationStatus.CHECKSUM_MISMATCH), AT))).isEmpty();
        List<JsonNode> resolves = bodies("/v2/enqueue");
        assertThat(resolves).extracting(r -> r.get("event_action").asText()).containsOnly("resolve");
        assertThat(resolves).extracting(r -> r.get("dedup_key").asText()).containsExactly(
                "pgvault/auth-db/verification", "pgvault/auth-db/freshness", "pgvault/auth-db/size");
        assertThat(resolves).allSatisfy(r -> assertThat(r.get("routing_key").asText()).isEqualTo(ROUTING_KEY));
    }

    @Test
    void noBackupThatRestoresIsCritical() throws Exception {
        server.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)));
        VerificationResult result = new VerificationResult(null, VerificationStatus.MISSING,
                List.of("there are no complete backups named auth-db"), AT, Duration.ZERO);
        VerificationReport none = new VerificationReport(result, List.of(result), "auth-db", null, null, null, null,
                List.of());
        new Notices(List.of(pagerDuty()), (c, n) -> { }).publishAll(Notice.of(none, AT));
        assertThat(bodies("/v2/enqueue")).singleElement().satisfies(b -> {
            assertThat(b.get("payload").get("severity").asText()).isEqualTo("critical");
            assertThat(b.get("payload").get("summary").asText()).isEqualTo("pgvault: verification of auth-db failed: MISSING");
        });
    }

    @Test
    void pagerDutyRetriesOn429And5xxOnly() throws Exception {
        server.stubFor(post("/v2/enqueue").inScenario("busy").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2")).willSetStateTo("broken"));
        server.stubFor(post("/v2/enqueue").inScenario("busy").whenScenarioStateIs("broken")
                .willReturn(aResponse().withStatus(503)).willSetStateTo("fine"));
        server.stubFor(post("/v2/enqueue").inScenario("busy").whenScenarioStateIs("fine")
                .willReturn(aResponse().withStatus(202)));
        PagerDutyNotifier notifier = pagerDuty();
        notifier.deliver(new Notice.VerificationFailed("auth-db", "k", VerificationStatus.RESTORE_FAILED, List.of(),
                java.util.Set.of(Notice.Check.VERIFICATION), null, null, AT));
        assertThat(server.findAll(postRequestedFor(urlEqualTo("/v2/enqueue")))).hasSize(3);
        assertThat(waits).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));

        server.resetAll();
        waits.clear();
        server.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(400)
                .withBody("{\"status\":\"invalid event\",\"message\":\"Event object is invalid\",\"errors\":[\"routing_key is invalid\"]}")));
        List<String> counted = new ArrayList<>();
        List<String> failures = new Notices(List.of(notifier), (channel, n) -> counted.add(channel))
                .publishAll(Notice.of(failedReport(), AT));
        assertThat(server.findAll(postRequestedFor(urlEqualTo("/v2/enqueue")))).hasSize(2); // one per check, no retries
        assertThat(waits).isEmpty();
        assertThat(counted).containsExactly("pagerduty");
        assertThat(failures).singleElement().asString().contains("HTTP 400").contains("routing_key is invalid")
                .doesNotContain(ROUTING_KEY);
    }

    @Test
    void slackGetsABlockKitMessageOnFailureAndOnSuccessOnlyWhenAsked() throws Exception {
        server.stubFor(post(WEBHOOK_PATH).willReturn(aResponse().withStatus(200).withBody("ok")));

        new Notices(List.of(slack(false)), (c, n) -> { }).publishAll(Notice.of(failedReport(), AT));
        JsonNode message = bodies(WEBHOOK_PATH).get(0);
        assertThat(message.get("text").asText()).contains("auth-db").contains("CHECKSUM_MISMATCH");
        JsonNode blocks = message.get("blocks");
        assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).get("text").get("text").asText()).contains("verification failed: auth-db");
        assertThat(blocks.toString()).contains("SHA-256").contains("daily/auth-db-backup-2026-11-28.sql.gz")
                .contains("26.0 h old").contains("checks failed: freshness, verification");
        assertThat(blocks).allSatisfy(b -> assertThat(b.get("type").asText()).isIn("header", "section", "context"));

        server.resetRequests();
        new Notices(List.of(slack(false)), (c, n) -> { }).publishAll(Notice.of(okReport(null), AT));
        assertThat(bodies(WEBHOOK_PATH)).as("no message for a plain success unless asked").isEmpty();

        new Notices(List.of(slack(false)), (c, n) -> { })
                .publishAll(Notice.of(okReport(VerificationStatus.CONTENT_MISMATCH), AT));
        assertThat(bodies(WEBHOOK_PATH)).singleElement().satisfies(m ->
                assertThat(m.get("text").asText()).contains("recovered").contains("CONTENT_MISMATCH"));

        server.resetRequests();
        new Notices(List.of(slack(true)), (c, n) -> { }).publishAll(Notice.of(okReport(null), AT));
        assertThat(bodies(WEBHOOK_PATH)).singleElement().satisfies(m ->
                assertThat(m.get("blocks").toString()).contains("restored and matched its manifest in 7.0 s"));
    }

    @Test
    void slackHonoursRetryAfterAndTreats4xxAsConfigurationWithoutTheWebhookInTheError() throws Exception {
        server.stubFor(post(WEBHOOK_PATH).inScenario("rate").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")).willSetStateTo("ok"));
        server.stubFor(post(WEBHOOK_PATH).inScenario("rate").whenScenarioStateIs("ok")
                .willReturn(aResponse().withStatus(200).withBody("ok")));
        assertThat(new Notices(List.of(slack(false)), (c, n) -> { }).publishAll(Notice.of(failedReport(), AT))).isEmpty();
        assertThat(waits).containsExactly(Duration.ofSeconds(7));

        server.resetAll();
        waits.clear();
        server.stubFor(post(WEBHOOK_PATH).willReturn(aResponse().withStatus(404).withBody("no_service")));
        List<String> failures = new Notices(List.of(slack(false)), (c, n) -> { }).publishAll(Notice.of(failedReport(), AT));
        assertThat(server.findAll(postRequestedFor(urlEqualTo(WEBHOOK_PATH)))).hasSize(1);
        assertThat(waits).isEmpty();
        assertThat(failures).singleElement().asString().contains("HTTP 404").contains("no_service")
                .doesNotContain("s3cr3tw3bh00k").doesNotContain(server.baseUrl());
    }

    @Test
    void aChannelThatCannotBeReachedIsCountedAndTheOthersStillGetTheirNotice() throws Exception {
        server.stubFor(post("/v2/enqueue").willReturn(aResponse().withStatus(202)));
        SlackNotifier unreachable = new SlackNotifier(URI.create("http://127.0.0.1:1" + WEBHOOK_PATH), false, http);
        List<String> counted = new ArrayList<>();
        List<String> failures = new Notices(List.of(unreachable, pagerDuty()), (channel, n) -> counted.add(channel))
                .publishAll(Notice.of(failedReport(), AT));
        assertThat(counted).containsExactly("slack");
        assertThat(failures).singleElement().asString().startsWith("slack: slack could not be reached")
                .doesNotContain("s3cr3tw3bh00k");
        assertThat(bodies("/v2/enqueue")).hasSize(2);
    }

    @Test
    void channelsWhoseSecretsCannotBeReadAreLeftOutAndCountedWithoutFailingTheRun() {
        dev.pgvault.config.VerificationConfig config = dev.pgvault.config.VerificationConfig.from(
                new dev.pgvault.config.Environment(java.util.Map.of(
                        "PGVAULT_BUCKET", "b", "PGVAULT_SIGNING_KEY_ARN", "k", "PGVAULT_SCRATCH_SECRET_ARN", "s",
                        "PGVAULT_SLACK_WEBHOOK_SECRET_ARN", "arn:aws:secretsmanager:eu-west-1:1:secret:slack",
                        "PGVAULT_PAGERDUTY_ROUTING_KEY_SECRET_ARN", "ssm:/pgvault/pagerduty")));
        // Neither Secrets Manager nor SSM can be reached.
        dev.pgvault.config.SecretResolver secrets = new dev.pgvault.config.SecretResolver(null, null);
        List<String> counted = new ArrayList<>();
        Notices notices = Channels.from(config, secrets, null, http, url("/v2/enqueue"), "fn",
                (channel, n) -> counted.add(channel));
        assertThat(counted).containsExactly("slack", "pagerduty");
        assertThat(notices.subscribers()).isEmpty();
        assertThat(notices.publishAll(Notice.of(failedReport(), AT))).isEmpty();
    }

    @Test
    void secretsHoldTheBareValueOrJson() {
        assertThat(Channels.webhook("https://hooks.slack.com/services/T/B/x\n", "r").getHost()).isEqualTo("hooks.slack.com");
        assertThat(Channels.webhook("{\"url\": \"https://hooks.slack.com/services/T/B/x\"}", "r").getPath())
                .isEqualTo("/services/T/B/x");
        assertThat(Channels.routingKey("{\"routing_key\": \"abc\"}")).isEqualTo("abc");
        assertThat(Channels.routingKey(" abc\n")).isEqualTo("abc");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Channels.webhook("not a url at all", "arn:x"))
                .hasMessageContaining("arn:x").hasMessageNotContaining("not a url");
    }
}
