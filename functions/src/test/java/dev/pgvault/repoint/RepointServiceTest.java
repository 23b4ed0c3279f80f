package dev.pgvault.repoint;

import static dev.pgvault.testing.FakeDeploymentController.Rollout.COMPLETE;
import static dev.pgvault.testing.FakeDeploymentController.Rollout.DEADLINE_EXCEEDED;
import static dev.pgvault.testing.FakeDeploymentController.Rollout.HANG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.testing.FakeDeploymentController;
import dev.pgvault.testing.KubeFixtures;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class RepointServiceTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final AtomicInteger NAMESPACES = new AtomicInteger();
    static final String PASSWORD = "pa55-W0rd%21xyz";
    static final String OLD_HOST = "auth-db-prod.c1x2y3.eu-west-1.rds.amazonaws.com";
    static final String NEW_HOST = "auth-db-prod-pitr-2024-01-01-1155.c1x2y3.eu-west-1.rds.amazonaws.com";
    static final String OLD_URL = "postgresql://auth:" + PASSWORD + "@" + OLD_HOST + ":5432/auth_db?sslmode=require";
    static final String NEW_URL = "postgresql://auth:" + PASSWORD + "@" + NEW_HOST + ":5432/auth_db?sslmode=require";
    static final Map<String, String> OTHER_KEYS = Map.of("jwt-secret", "jwt-signing-key", "redis-url", "redis://cache:6379/0");

    private String ns;
    private ApplicationRef app;

    @BeforeEach
    void application() {
        ns = "shop-" + NAMESPACES.incrementAndGet();
        KubeFixtures.namespace(client, ns);
        var data = new java.util.LinkedHashMap<String, String>(OTHER_KEYS);
        data.put("database-url", OLD_URL);
        KubeFixtures.secret(client, ns, "auth-service-secrets", data);
        KubeFixtures.deployment(client, ns, "auth-service", 3);
        app = new ApplicationRef(ns, "auth-service-secrets", null, "auth-service");
        drainRecordedRequests();
    }

    @Test
    void patchesTheKeyRestartsAndWaitsForTheRollout() throws Exception {
        try (var controller = new FakeDeploymentController(server.createClient(), ns, "auth-service", COMPLETE)) {
            RepointOutcome outcome = service(healthy()).repoint(request(DatabaseEndpoint.of(NEW_HOST, 5432), 10));

            assertThat(outcome).isInstanceOf(RepointOutcome.Repointed.class);
            var done = (RepointOutcome.Repointed) outcome;
            assertThat(done.changed()).isTrue();
            assertThat(done.previous()).isEqualTo(DatabaseEndpoint.of(OLD_HOST, 5432));
            assertThat(secret("database-url")).isEqualTo(NEW_URL);
            OTHER_KEYS.forEach((key, value) -> assertThat(secret(key)).as(key).isEqualTo(value));
            assertThat(controller.restarts()).hasSize(1).doesNotContainNull();
            assertThat(KubeFixtures.restartedAt(client, ns, "auth-service")).isEqualTo(controller.restarts().get(0));
        }
        // One write, as a JSON merge patch (the mock server consumes bodies, so the untouched
        // keys above are the check on what it carried).
        List<RecordedRequest> patches = secretPatches();
        assertThat(patches).hasSize(1);
        assertThat(patches.get(0).getHeader("Content-Type")).startsWith("application/merge-patch+json");
    }

    @Test
    void aRolloutThatMissesItsDeadlineIsUndone() throws Exception {
        try (var controller = new FakeDeploymentController(server.createClient(), ns, "auth-service",
                DEADLINE_EXCEEDED, COMPLETE)) {
            RepointOutcome outcome = service(healthy()).repoint(request(DatabaseEndpoint.of(NEW_HOST, 5432), 10));

            assertThat(outcome).isInstanceOf(RepointOutcome.RolledBack.class);
            assertThat(((RepointOutcome.RolledBack) outcome).reason()).contains("progress deadline exceeded");
            assertThat(secret("database-url")).isEqualTo(OLD_URL);
            OTHER_KEYS.forEach((key, value) -> assertThat(secret(key)).as(key).isEqualTo(value));
            assertThat(controller.restarts()).as("restarted forward, then back").hasSize(2).doesNotHaveDuplicates();
        }
    }

    @Test
    void anUnhealthyApplicationIsUndone() throws Exception {
        HealthProbe sick = (url, timeout) -> new HealthProbe.Result(false, "HTTP 503");
        try (var controller = new FakeDeploymentController(server.createClient(), ns, "auth-service", COMPLETE, COMPLETE)) {
            RepointOutcome outcome = service(sick).repoint(new RepointRequest(app, DatabaseEndpoint.of(NEW_HOST, 5432),
                    Optional.of(URI.create("http://auth-service." + ns + ".svc/health")), Duration.ofSeconds(10),
                    Duration.ofSeconds(1)));

            assertThat(outcome).isInstanceOf(RepointOutcome.RolledBack.class);
            assertThat(((RepointOutcome.RolledBack) outcome).reason()).contains("health check").contains("HTTP 503");
            assertThat(secret("database-url")).isEqualTo(OLD_URL);
            assertThat(controller.restarts()).hasSize(2);
        }
    }

    @Test
    void whenEvenTheRollbackDoesNotRollOutItSaysSoWithoutThePassword() throws Exception {
        try (var controller = new FakeDeploymentController(server.createClient(), ns, "auth-service", HANG, HANG)) {
            RepointOutcome outcome = service(healthy()).repoint(request(DatabaseEndpoint.of(NEW_HOST, 5432), 1));

            assertThat(outcome).isInstanceOf(RepointOutcome.RollbackFailed.class);
            var failed = (RepointOutcome.RollbackFailed) outcome;
            assertThat(failed.reason()).contains("not complete after 1 s");
            assertThat(failed.rollbackProblem()).contains("did not complete");
            assertThat(secret("database-url")).as("the old value is back even so").isEqualTo(OLD_URL);
            assertThat(failed.toString() + failed.reason() + failed.rollbackProblem()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void aSecondRepointToTheSameEndpointChangesNothing() {
        RepointOutcome outcome = service(healthy()).repoint(request(DatabaseEndpoint.of(OLD_HOST, 5432), 1));
        assertThat(outcome).isInstanceOf(RepointOutcome.Repointed.class);
        assertThat(((RepointOutcome.Repointed) outcome).changed()).isFalse();
        assertThat(KubeFixtures.restartedAt(client, ns, "auth-service")).isNull();
        assertThat(secretPatches()).isEmpty();
    }

    @Test
    void checkReportsWhereTheApplicationPointsAndChangesNothing() {
        ApplicationCheck check = service(healthy()).check(app);
        assertThat(check.currentEndpoint()).isEqualTo(DatabaseEndpoint.of(OLD_HOST, 5432));
        assertThat(check.desiredReplicas()).isEqualTo(3);
        assertThat(check.rollout()).startsWith("COMPLETE");
        assertThat(secretPatches()).isEmpty();
    }

    @Test
    void badInputIsNamedAndChangesNothing() {
        KubeFixtures.secret(client, ns, "keyword-style", Map.of("database-url",
                "host=" + OLD_HOST + " user=auth password=" + PASSWORD + " dbname=auth_db"));
        String versionBefore = client.secrets().inNamespace(ns).withName("auth-service-secrets").get()
                .getMetadata().getResourceVersion();
        var endpoint = DatabaseEndpoint.of(NEW_HOST, 5432);
        var cases = Map.of(
                new ApplicationRef(ns, "no-such-secret", null, "auth-service"), "secret " + ns + "/no-such-secret does not exist",
                new ApplicationRef(ns, "auth-service-secrets", "DATABASE_URL", "auth-service"),
                "has no key 'DATABASE_URL' (its keys: database-url, jwt-secret, redis-url)",
                new ApplicationRef(ns, "auth-service-secrets", null, "no-such-deployment"),
                "deployment " + ns + "/no-such-deployment does not exist",
                new ApplicationRef(ns, "keyword-style", null, "auth-service"), "does not start with postgresql://");
        cases.forEach((ref, message) -> assertThatThrownBy(() -> service(healthy()).repoint(
                new RepointRequest(ref, endpoint, Optional.empty(), Duration.ofSeconds(1), Duration.ZERO)))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining(message)
                .message().doesNotContain(PASSWORD));

        assertThat(secretPatches()).isEmpty();
        assertThat(client.secrets().inNamespace(ns).withName("auth-service-secrets").get()
                .getMetadata().getResourceVersion()).isEqualTo(versionBefore);
        assertThat(KubeFixtures.restartedAt(client, ns, "auth-service")).isNull();
    }

    @Test
    void kubernetesNamesAreCheckedBeforeAnyCall() {
        assertThatThrownBy(() -> new ApplicationRef("Shop_App", "s", null, "d"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("namespace 'Shop_App'");
        assertThatThrownBy(() -> new ApplicationRef("shop", "s", "bad key!", "d"))
                .hasMessageContaining("secret key 'bad key!'");
        assertThat(new ApplicationRef("shop", "s", " ", "d").secretKey()).isEqualTo("database-url");
    }

    private RepointService service(HealthProbe probe) {
        return new RepointService(client, probe, Clock.systemUTC(), Duration.ofMillis(50));
    }

    private RepointRequest request(DatabaseEndpoint endpoint, int rolloutSeconds) {
        return new RepointRequest(app, endpoint, Optional.empty(), Duration.ofSeconds(rolloutSeconds), Duration.ZERO);
    }

    private static HealthProbe healthy() {
        return (url, timeout) -> new HealthProbe.Result(true, "HTTP 200");
    }

    private String secret(String key) {
        return KubeFixtures.secretValue(client, ns, "auth-service-secrets", key);
    }

    private List<RecordedRequest> secretPatches() {
        List<RecordedRequest> patches = new ArrayList<>();
        for (RecordedRequest r : drainRecordedRequests()) {
            if ("PATCH".equals(r.getMethod()) && r.getPath().contains("/namespaces/" + ns + "/secrets/")) {
                patches.add(r);
            }
        }
        return patches;
    }

    private static List<RecordedRequest> drainRecordedRequests() {
        List<RecordedRequest> all = new ArrayList<>();
        try {
            RecordedRequest r;
            while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
                all.add(r);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return all;
    }
}
