package dev.pgvault.repoint;

import static dev.pgvault.testing.FakeDeploymentController.Rollout.COMPLETE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.RepointRefusedException;
import dev.pgvault.kube.Rollouts;
import dev.pgvault.testing.FakeDeploymentController;
import dev.pgvault.testing.KubeFixtures;
import dev.pgvault.testing.TestDatabase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Before repoint writes anything it opens a session on the new database with the application's
 * own URL (its user and password, the new host, port and database), here against a real
 * PostgreSQL: a database that cannot be used stops the repoint before any write or restart.
 */
@EnableKubernetesMockClient(crud = true)
class RepointConnectionTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    private static final String PASSWORD = "app-Pa55+w0rd";

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    private String ns;
    private ApplicationRef app;
    private String url;

    @BeforeEach
    void application() {
        db.execute("postgres", "DROP ROLE IF EXISTS repoint_app");
        db.execute("postgres", "CREATE ROLE repoint_app LOGIN PASSWORD '" + PASSWORD + "'");
        ns = "conn-" + NAMESPACES.incrementAndGet();
        KubeFixtures.namespace(client, ns);
        url = "postgresql://repoint_app:app-Pa55%2Bw0rd@127.0.0.1:" + db.server().port() + "/" + db.name()
                + "?sslmode=disable&application_name=auth-service";
        KubeFixtures.secret(client, ns, "auth-service-secrets", Map.of("database-url", url));
        KubeFixtures.deployment(client, ns, "auth-service", 2);
        app = new ApplicationRef(ns, "auth-service-secrets", null, "auth-service");
    }

    @AfterEach
    void dropRole() {
        db.execute("postgres", "DROP ROLE IF EXISTS repoint_app");
    }

    @Test
    void aRestoreIntoANewDatabaseOnTheSameServerRepointsTheDatabaseName() throws Exception {
        String restored = db.newDatabase();
        try (var controller = new FakeDeploymentController(server.createClient(), ns, "auth-service", COMPLETE)) {
            RepointOutcome outcome = service().repoint(request(DatabaseEndpoint.of("localhost", db.server().port()),
                    Optional.of(restored)));

            assertThat(outcome).isInstanceOf(RepointOutcome.Repointed.class);
            var done = (RepointOutcome.Repointed) outcome;
            assertThat(done.previousDatabase()).isEqualTo(db.name());
            assertThat(done.database()).isEqualTo(restored);
            assertThat(controller.restarts()).hasSize(1);
        }
        assertThat(secret()).isEqualTo("postgresql://repoint_app:app-Pa55%2Bw0rd@localhost:" + db.server().port() + "/"
                + restored + "?sslmode=disable&application_name=auth-service");
        assertThat(client.apps().deployments().inNamespace(ns).withName("auth-service").get().getSpec().getTemplate()
                .getMetadata().getAnnotations()).containsEntry(Rollouts.DATABASE_ENDPOINT,
                "localhost:" + db.server().port() + "/" + restored);
    }

    @Test
    void aDatabaseThatDoesNotExistStopsTheRepointBeforeAnyWrite() {
        assertThatThrownBy(() -> service().repoint(request(DatabaseEndpoint.of("localhost", db.server().port()),
                Optional.of("auth_db_restored_missing"))))
                .isInstanceOf(RepointRefusedException.class)
                .hasMessageContaining("localhost:" + db.server().port() + "/auth_db_restored_missing")
                .hasMessageContaining("does not exist")
                .hasMessageContaining("nothing was written")
                .message().doesNotContain(PASSWORD).doesNotContain("Pa55%2B");
        assertUnchanged();
    }

    @Test
    void aServerThatDoesNotAnswerOrRefusesTheLoginStopsTheRepointBeforeAnyWrite() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        assertThatThrownBy(() -> service().repoint(request(DatabaseEndpoint.of("127.0.0.1", closed), Optional.empty())))
                .isInstanceOf(RepointRefusedException.class)
                .hasMessageContaining("127.0.0.1:" + closed)
                .message().doesNotContain(PASSWORD);
        db.execute("postgres", "ALTER ROLE repoint_app PASSWORD 'rotated'");
        assertThatThrownBy(() -> service().repoint(request(DatabaseEndpoint.of("localhost", db.server().port()),
                Optional.empty())))
                .isInstanceOf(RepointRefusedException.class)
                .hasMessageContaining("password authentication failed")
                .message().doesNotContain(PASSWORD);
        assertUnchanged();
    }

    private void assertUnchanged() {
        assertThat(secret()).isEqualTo(url);
        assertThat(KubeFixtures.restartedAt(client, ns, "auth-service")).isNull();
    }

    private RepointService service() {
        return new RepointService(client, (u, t) -> new HealthProbe.Result(true, "HTTP 200"), ConnectionTest.jdbc(),
                Clock.systemUTC(), Duration.ofMillis(50));
    }

    private RepointRequest request(DatabaseEndpoint endpoint, Optional<String> database) {
        return new RepointRequest(app, endpoint, database, Optional.empty(), Duration.ofSeconds(10), Duration.ZERO,
                false, true);
    }

    private String secret() {
        return KubeFixtures.secretValue(client, ns, "auth-service-secrets", "database-url");
    }
}
