package dev.pgvault.handler;

import static dev.pgvault.testing.FakeDeploymentController.Rollout.COMPLETE;
import static dev.pgvault.testing.FakeDeploymentController.Rollout.DEADLINE_EXCEEDED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.config.RepointConfig;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.RepointRolledBackException;
import dev.pgvault.kube.KubernetesAccess;
import dev.pgvault.repoint.HealthProbe;
import dev.pgvault.testing.FakeDeploymentController;
import dev.pgvault.testing.KubeFixtures;
import dev.pgvault.testing.ProjectFiles;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The function as Lambda runs it, on the sample event from events/repoint.json. */
@EnableKubernetesMockClient(crud = true)
class RepointHandlerTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "Tr0ub4dor&3-hunter2";
    private static final String OLD_URL = "postgresql://auth:" + PASSWORD
            + "@auth-db-prod.c1x2y3z4.eu-west-1.rds.amazonaws.com:5432/auth_db?sslmode=require";
    private static final Instant NOW = Instant.parse("2024-01-01T12:41:30Z");

    private final List<URI> probed = new ArrayList<>();
    private boolean healthy = true;
    private String connectionFailure;

    @BeforeAll
    static void application() {
        KubeFixtures.namespace(client, "shopping-app");
        KubeFixtures.deployment(client, "shopping-app", "auth-service", 3);
    }

    @BeforeEach
    void freshSecret() {
        client.secrets().inNamespace("shopping-app").withName("auth-service-secrets").delete();
        KubeFixtures.secret(client, "shopping-app", "auth-service-secrets",
                Map.of("database-url", OLD_URL, "session-key", "k"));
    }

    @Test
    void theSampleEventRepointsAndReportsRtoAndRpo() throws Exception {
        JsonNode reply;
        try (var controller = new FakeDeploymentController(server.createClient(), "shopping-app", "auth-service", COMPLETE)) {
            reply = invoke(ProjectFiles.read("events/repoint.json"));
            assertThat(controller.restarts()).hasSize(1);
        }
        assertThat(reply.path("outcome").asText()).isEqualTo("REPOINTED");
        assertThat(reply.path("changed").asBoolean()).isTrue();
        assertThat(reply.path("endpoint").path("host").asText())
                .isEqualTo("auth-db-prod-pitr-2024-01-01-1155.c1x2y3z4.eu-west-1.rds.amazonaws.com");
        assertThat(reply.path("previousEndpoint").path("host").asText())
                .isEqualTo("auth-db-prod.c1x2y3z4.eu-west-1.rds.amazonaws.com");
        assertThat(reply.path("rtoSeconds").asLong()).isEqualTo(41 * 60 + 30);
        assertThat(reply.path("rpoSeconds").asLong()).isEqualTo(5 * 60);
        assertThat(probed).containsExactly(URI.create("http://auth-service.shopping-app.svc.cluster.local/health"));
        assertThat(KubeFixtures.secretValue(client, "shopping-app", "auth-service-secrets", "database-url"))
                .isEqualTo(OLD_URL.replace("auth-db-prod.c1x2y3z4", "auth-db-prod-pitr-2024-01-01-1155.c1x2y3z4"));
        assertThat(reply.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void aFailedRepointIsUndoneAndRaisedUnderItsStableName() throws Exception {
        try (var controller = new FakeDeploymentController(server.createClient(), "shopping-app", "auth-service",
                DEADLINE_EXCEEDED, COMPLETE)) {
            assertThatThrownBy(() -> invoke(ProjectFiles.read("events/repoint.json")))
                    .isExactlyInstanceOf(RepointRolledBackException.class)
                    .hasMessageContaining("undone")
                    .hasMessageContaining("auth-db-prod.c1x2y3z4.eu-west-1.rds.amazonaws.com:5432")
                    .hasMessageContaining("progress deadline exceeded")
                    .message().doesNotContain(PASSWORD);
        }
        assertThat(KubeFixtures.secretValue(client, "shopping-app", "auth-service-secrets", "database-url"))
                .isEqualTo(OLD_URL);
    }

    @Test
    void aRetryWhoseRestartFailsIsRaisedForTheStateMachineToRepointBack() throws Exception {
        String written = OLD_URL.replace("auth-db-prod.c1x2y3z4", "auth-db-prod-pitr-2024-01-01-1155.c1x2y3z4");
        client.secrets().inNamespace("shopping-app").withName("auth-service-secrets").delete();
        KubeFixtures.secret(client, "shopping-app", "auth-service-secrets", Map.of("database-url", written, "session-key", "k"));
        // A deployment of its own: the shared one's pod template may record the target from another test.
        KubeFixtures.deployment(client, "shopping-app", "auth-service-retry", 2);
        ObjectNode event = (ObjectNode) JSON.readTree(ProjectFiles.read("events/repoint.json"));
        ((ObjectNode) event.path("application")).put("deployment", "auth-service-retry");
        try (var controller = new FakeDeploymentController(server.createClient(), "shopping-app", "auth-service-retry",
                DEADLINE_EXCEEDED)) {
            assertThatThrownBy(() -> invoke(event.toString()))
                    .isExactlyInstanceOf(dev.pgvault.errors.RepointIncompleteException.class)
                    .hasMessageContaining("an earlier attempt wrote it")
                    .hasMessageContaining("Repoint it back")
                    .message().doesNotContain(PASSWORD);
            assertThat(controller.restarts()).as("the pods were restarted onto the value found").hasSize(1);
        }
    }

    @Test
    void aRefusalIsRaisedUnderItsStableNameAndChangesNothing() throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(ProjectFiles.read("events/repoint.json"));
        connectionFailure = "could not connect to auth-db-prod-pitr: password authentication failed for user \"auth\"";
        assertThatThrownBy(() -> invoke(event.toString()))
                .isExactlyInstanceOf(dev.pgvault.errors.RepointRefusedException.class)
                .hasMessageContaining("password authentication failed")
                .hasMessageContaining("nothing was written")
                .message().doesNotContain(PASSWORD);
        assertThat(KubeFixtures.secretValue(client, "shopping-app", "auth-service-secrets", "database-url"))
                .isEqualTo(OLD_URL);
    }

    @Test
    void checkAnswersWithTheCurrentEndpointOnly() throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(ProjectFiles.read("events/repoint.json"));
        event.put("action", "check");
        event.remove("endpoint");
        JsonNode reply = invoke(event.toString());
        assertThat(reply.path("endpoint").path("host").asText()).isEqualTo("auth-db-prod.c1x2y3z4.eu-west-1.rds.amazonaws.com");
        assertThat(reply.path("endpoint").path("port").asInt()).isEqualTo(5432);
        assertThat(reply.path("endpoint").path("database").asText()).isEqualTo("auth_db");
        assertThat(reply.path("replicas").asInt()).isEqualTo(3);
        assertThat(reply.has("runningEndpoint")).isTrue();
        assertThat(reply.toString()).doesNotContain(PASSWORD);
        assertThat(KubeFixtures.restartedAt(client, "shopping-app", "auth-service")).isNull();
    }

    @Test
    void badEventsNameTheField() throws Exception {
        ObjectNode event = (ObjectNode) JSON.readTree(ProjectFiles.read("events/repoint.json"));
        ((ObjectNode) event.path("application")).remove("deployment");
        assertThatThrownBy(() -> invoke(event.toString()))
                .isInstanceOf(InvalidRequestException.class).hasMessage("event field application: deployment is required");
        assertThatThrownBy(() -> invoke("{\"application\": {\"namespace\": \"a\", \"secretName\": \"b\", \"deployment\": \"c\"}}"))
                .hasMessageContaining("event field endpoint is required");
        assertThatThrownBy(() -> invoke("{\"action\": \"drop\"}")).hasMessageContaining("event field action");
        assertThatThrownBy(() -> invoke("not json")).hasMessageContaining("not valid JSON");
        ObjectNode badTime = (ObjectNode) JSON.readTree(ProjectFiles.read("events/repoint.json"));
        badTime.put("startedAt", "yesterday");
        assertThatThrownBy(() -> invoke(badTime.toString())).hasMessageContaining("event field startedAt");
    }

    private JsonNode invoke(String event) throws Exception {
        RepointConfig config = new RepointConfig(Optional.of("test"), Optional.empty(), "eu-west-1",
                Duration.ofSeconds(5), Duration.ofSeconds(1));
        KubernetesAccess access = new KubernetesAccess() {
            @Override
            public KubernetesClient connect() {
                return server.createClient();
            }

            @Override
            public String describe() {
                return "mock";
            }
        };
        HealthProbe probe = (url, timeout) -> {
            probed.add(url);
            return new HealthProbe.Result(healthy, healthy ? "HTTP 200" : "HTTP 503");
        };
        var handler = new RepointHandler(config, access, probe, (url, where) -> connectionFailure,
                Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMillis(50));
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }
}
