package dev.pgvault.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.config.RepointConfig;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.kube.KubernetesAccess;
import dev.pgvault.repoint.HealthProbe;
import dev.pgvault.testing.KubeFixtures;
import dev.pgvault.testing.ProjectFiles;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The migration hook through the repoint function, against the fabric8 Kubernetes mock server: the
 * operator's Job is created with DATABASE_URL pointing at the restored database (from a Secret of its
 * own), a retry finds it, and its status is read as the state machine needs it.
 */
@EnableKubernetesMockClient(crud = true)
class MigrationHookTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "Tr0ub4dor&3-hunter2";
    private static final String URL = "postgresql://auth:" + PASSWORD
            + "@auth-db-prod.c1x2y3z4.eu-west-1.rds.amazonaws.com:5432/auth_db?sslmode=require";

    @BeforeAll
    static void application() {
        KubeFixtures.namespace(client, "shopping-app");
        KubeFixtures.secret(client, "shopping-app", "auth-service-secrets", Map.of("database-url", URL));
    }

    private ObjectNode migrate(String run) throws Exception {
        JsonNode input = JSON.readTree(ProjectFiles.read("events/backup-restore-with-migration.json"));
        ObjectNode event = JSON.createObjectNode().put("action", "migrate").put("run", run);
        event.set("application", input.path("application"));
        event.set("job", input.path("migration").path("job"));
        event.putObject("endpoint").put("host", "auth-db-prod.c1x2y3z4.eu-west-1.rds.amazonaws.com").put("port", 5432)
                .put("database", "auth_db_restore_20261125_090000");
        return event;
    }

    @Test
    void theJobRunsAgainstTheRestoredDatabaseAndARetryFindsIt() throws Exception {
        JsonNode started = invoke(migrate("e-7"));

        assertThat(started.path("namespace").asText()).isEqualTo("shopping-app");
        String name = started.path("job").asText();
        assertThat(name).isEqualTo("auth-service-migrate-e-7");
        Job job = client.batch().v1().jobs().inNamespace("shopping-app").withName(name).get();
        EnvVar url = job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("DATABASE_URL")).findFirst().orElseThrow();
        assertThat(url.getValue()).as("the URL is not in the Job's spec").isNull();
        String secret = url.getValueFrom().getSecretKeyRef().getName();
        assertThat(KubeFixtures.secretValue(client, "shopping-app", secret, "DATABASE_URL"))
                .isEqualTo(URL.replace("/auth_db?", "/auth_db_restore_20261125_090000?"));
        assertThat(client.secrets().inNamespace("shopping-app").withName(secret).get().getMetadata()
                .getOwnerReferences()).singleElement().satisfies(o -> assertThat(o.getName()).isEqualTo(name));
        assertThat(job.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand())
                .containsExactly("npx", "prisma", "migrate", "deploy");
        assertThat(started.toString()).doesNotContain(PASSWORD);

        assertThat(invoke(migrate("e-7")).path("job").asText()).as("a retried step").isEqualTo(name);
        assertThat(client.batch().v1().jobs().inNamespace("shopping-app").withLabel("pgvault.dev/restore-run", "e-7")
                .list().getItems()).hasSize(1);

        ObjectNode status = JSON.createObjectNode().put("action", "migrationStatus").put("namespace", "shopping-app")
                .put("job", name);
        assertThat(invoke(status).path("status").asText()).isEqualTo("RUNNING");
        setStatus(name, "Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit");
        JsonNode failed = invoke(status);
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("detail").asText()).contains("BackoffLimitExceeded").contains("kubectl logs");
    }

    @Test
    void aCompletedJobSucceedsAndAForeignJobOfTheSameNameIsRefused() throws Exception {
        String name = invoke(migrate("e-8")).path("job").asText();
        setStatus(name, "Complete", null, null);
        assertThat(invoke(JSON.createObjectNode().put("action", "migrationStatus").put("namespace", "shopping-app")
                .put("job", name)).path("status").asText()).isEqualTo("SUCCEEDED");

        client.batch().v1().jobs().inNamespace("shopping-app").resource(new JobBuilder().withNewMetadata()
                .withName("auth-service-migrate-e-9").endMetadata().withNewSpec().withNewTemplate().withNewSpec()
                .addNewContainer().withName("x").withImage("x").endContainer().endSpec().endTemplate().endSpec()
                .build()).create();
        assertThatThrownBy(() -> invoke(migrate("e-9"))).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("is not this restore's");
        ObjectNode notAJob = migrate("e-10");
        notAJob.putObject("job").put("kind", "Pod");
        assertThatThrownBy(() -> invoke(notAJob)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("batch/v1 Job");
    }

    private static void setStatus(String name, String type, String reason, String message) {
        Job job = client.batch().v1().jobs().inNamespace("shopping-app").withName(name).get();
        Job updated = new JobBuilder(job).withNewStatus().addNewCondition().withType(type).withStatus("True")
                .withReason(reason).withMessage(message).endCondition().endStatus().build();
        client.batch().v1().jobs().inNamespace("shopping-app").resource(updated).updateStatus();
    }

    private static JsonNode invoke(JsonNode event) throws Exception {
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
        HealthProbe probe = (url, timeout) -> new HealthProbe.Result(true, "HTTP 200");
        var handler = new RepointHandler(config, access, probe, (url, where) -> null,
                Clock.fixed(Instant.parse("2026-11-25T09:10:00Z"), ZoneOffset.UTC), Duration.ofMillis(50));
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.toString().getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }
}
