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
        assertThat(runningEndpoint()).isEqualTo(NEW_HOST + ":5432/auth_db");
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
        assertThat(runningEndpoint()).as("the pod template records the endpoint it went back to")
                .isEqualTo(OLD_HOST + ":5432/auth_db");
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
    void aSecondRepointToTheSameEndpointChangesNothing() throws Exception {
        try (var controller = new FakeDeploymentController(server.createClient(), ns, "auth-service", COMPLETE)) {
            assertThat(service(healthy()).repoint(request(DatabaseEndpoint.of(NEW_HOST, 5432), 10)))
                    .isInstanceOf(RepointOutcome.Repointed.class);
            drainRecordedRequests();
            RepointOutcome again = service(healthy()).repoint(request(DatabaseEndpoint.of(NEW_HOST, 5432), 1));
            assertThat(again).isInstanceOf(RepointOutcome.Repointed.class);
            assertThat(((RepointOutcome.Repointed) again).changed()).isFalse();
            assertThat(((RepointOutcome.Repointed) again).detail()).startsWith("already running on " + NEW_HOST + ":5432/auth_db");
            assertThat(controller.restarts()).as("only the first repoint restarted").hasSize(1);
        }
        assertThat(secretPatches()).isEmpty();
    }

    @Test
    void aRetryAfterAHalfFailedWriteRestartsThePodsOntoTheValueTheSecretAlreadyHolds() throws Exception {
        // An earlier attempt wrote the secret and died before restarting: the pods still run the old URL.
        client.secrets().inNamespace(ns).withName("auth-service-secrets").edit(s -> {
            s.getData().put("database-url", java.util.Base64.getEncoder().encodeToString(
                    NEW_URL.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return s;
        });
        drainRecordedRequests();
        List<String> tested = new ArrayList<>();
        try (var controller = new FakeDeploymentController(server.createClient(), ns, "auth-service", COMPLETE)) {
            RepointOutcome outcome = new RepointService(client, healthy(), (url, where) -> {
                tested.add(url.endpoint().toString());
                return null;
            }, Clock.systemUTC(), Duration.ofMillis(50)).repoint(request(DatabaseEndpoint.of(NEW_HOST, 5432), 10));

            assertThat(outcome).isInstanceOf(RepointOutcome.Repointed.class);
            var done = (RepointOutcome.Repointed) outcome;
            assertThat(done.changed()).as("the pods changed database").isTrue();
            assertThat(done.detail()).contains("already held").contains("restarted");
            assertThat(controller.restarts()).hasSize(1);
            assertThat(tested).as("the database it already names was tried before restarting onto it")
                    .containsExactly(NEW_HOST + ":5432");
        }
        assertThat(runningEndpoint()).isEqualTo(NEW_HOST + ":5432/auth_db");
        assertThat(secretPatches()).as("the secret is left as it is").isEmpty();
        assertThat(secret("database-url")).isEqualTo(NEW_URL);
    }

    @Test
    void aRetryWhoseRestartFailsSaysSoWithoutInventingAnEarlierValue() throws Exception {
        client.secrets().inNamespace(ns).withName("auth-service-secrets").edit(s -> {
            s.getData().put("database-url", java.util.Base64.getEncoder().encodeToString(
                    NEW_URL.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            return s;
        });
        try (var controller = new FakeDeploymentController(server.createClient(), ns, "auth-service", DEADLINE_EXCEEDED)) {
            RepointOutcome outcome = service(healthy()).repoint(request(DatabaseEndpoint.of(NEW_HOST, 5432), 10));
            assertThat(outcome).isInstanceOf(RepointOutcome.NotCompleted.class);
            assertThat(((RepointOutcome.NotCompleted) outcome).reason()).contains("an earlier attempt wrote it")
                    .contains("progress deadline exceeded").doesNotContain(PASSWORD);
            assertThat(controller.restarts()).hasSize(1);
        }
        assertThat(secret("database-url")).isEqualTo(NEW_URL);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"owner SealedSecret", "owner ExternalSecret",
            "label reconcile.external-secrets.io/created-by", "annotation reconcile.external-secrets.io/data-hash",
            "annotation argocd.argoproj.io/tracking-id", "label kustomize.toolkit.fluxcd.io/name"})
    void aSecretAControllerManagesIsRefusedSayingWhereToChangeIt(String marker) throws Exception {
        String[] parts = marker.split(" ");
        client.secrets().inNamespace(ns).withName("auth-service-secrets").edit(s -> {
            switch (parts[0]) {
                case "owner" -> s.getMetadata().getOwnerReferences().add(new io.fabric8.kubernetes.api.model.OwnerReferenceBuilder()
                        .withApiVersion(parts[1].equals("SealedSecret") ? "bitnami.com/v1alpha1" : "external-secrets.io/v1beta1")
                        .withKind(parts[1]).withName("auth-service-secrets").withUid("0f0f").withController(true).build());
                case "label" -> s.getMetadata().getLabels().put(parts[1], "auth-service");
                default -> s.getMetadata().getAnnotations().put(parts[1], "shopping-app:/Secret:shopping-app/auth-service-secrets");
            }
            return s;
        });
        drainRecordedRequests();
        String expected = switch (parts[0] + " " + parts[1].split("\\.")[0]) {
            case "owner SealedSecret" -> "kubeseal";
            case "owner ExternalSecret", "label reconcile", "annotation reconcile" -> "external store";
            case "annotation argocd" -> "Git repository";
            default -> "Flux";
        };

        assertThatThrownBy(() -> service(healthy()).repoint(request(DatabaseEndpoint.of(NEW_HOST, 5432), 1)))
                .isInstanceOf(dev.pgvault.errors.RepointRefusedException.class)
                .hasMessageContaining("secret " + ns + "/auth-service-secrets is ")
                .hasMessageContaining(expected)
                .hasMessageContaining("changed nothing")
                .hasMessageContaining("allowManagedSecret");
        assertThatThrownBy(() -> service(healthy()).check(app, false))
                .as("found by the check before any restore").isInstanceOf(dev.pgvault.errors.RepointRefusedException.class);
        assertThat(secretPatches()).isEmpty();
        assertThat(KubeFixtures.restartedAt(client, ns, "auth-service")).isNull();

        // Explicitly allowed: written (the operator takes the revert risk).
        try (var controller = new FakeDeploymentController(server.createClient(), ns, "auth-service", COMPLETE)) {
            assertThat(service(healthy()).repoint(new RepointRequest(app, DatabaseEndpoint.of(NEW_HOST, 5432),
                    Optional.empty(), Optional.empty(), Duration.ofSeconds(10), Duration.ZERO, true, true)))
                    .isInstanceOf(RepointOutcome.Repointed.class);
        }
        assertThat(secret("database-url")).isEqualTo(NEW_URL);
    }

    @Test
    void checkReportsWhereTheApplicationPointsAndChangesNothing() {
        ApplicationCheck check = service(healthy()).check(app, false);
        assertThat(check.currentEndpoint()).isEqualTo(DatabaseEndpoint.of(OLD_HOST, 5432));
        assertThat(check.currentDatabase()).isEqualTo("auth_db");
        assertThat(check.runningEndpoint()).isNull();
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

    /** The hosts here are not real databases: the connection test answers "works". */
    private RepointService service(HealthProbe probe) {
        return new RepointService(client, probe, (url, where) -> null, Clock.systemUTC(), Duration.ofMillis(50));
    }

    private String runningEndpoint() {
        var annotations = client.apps().deployments().inNamespace(ns).withName("auth-service").get()
                .getSpec().getTemplate().getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(dev.pgvault.kube.Rollouts.DATABASE_ENDPOINT);
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
