package dev.pgvault.repoint;

import dev.pgvault.errors.PgvaultException;
import dev.pgvault.kube.RolloutStatus;
import dev.pgvault.kube.Rollouts;
import dev.pgvault.kube.SecretKeys;
import dev.pgvault.kube.SecretKeys.SecretValue;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Points an application on Kubernetes at another database endpoint, the step both restore
 * paths end with: rewrite the host and port of the {@code DATABASE_URL} in its secret (user,
 * password, database and parameters untouched), restart the deployment, wait for the
 * rollout, check health.
 *
 * <p>Everything that can be checked without changing anything (secret, key, URL, deployment)
 * is checked first. Once the secret has been written, any failure puts the previous value back
 * and restarts again, so the application is never left on a database it cannot use.
 */
public final class RepointService {
    private static final Logger LOG = LoggerFactory.getLogger(RepointService.class);

    private final SecretKeys secrets;
    private final Rollouts rollouts;
    private final HealthProbe health;
    private final Clock clock;

    public RepointService(KubernetesClient client, HealthProbe health, Clock clock, Duration pollInterval) {
        this.secrets = new SecretKeys(client);
        this.rollouts = new Rollouts(client, pollInterval);
        this.health = health;
        this.clock = clock;
    }

    /** Read-only: where the application points now, and whether it could be repointed. */
    public ApplicationCheck check(ApplicationRef app) {
        SecretValue current = secrets.read(app.namespace(), app.secretName(), app.secretKey());
        DatabaseUrl url = DatabaseUrl.parse(current.value(), app.secretLabel());
        Deployment deployment = rollouts.get(app.namespace(), app.deployment());
        RolloutStatus status = RolloutStatus.of(deployment, 0);
        int replicas = deployment.getSpec() == null || deployment.getSpec().getReplicas() == null
                ? 1 : deployment.getSpec().getReplicas();
        return new ApplicationCheck(url.endpoint(), replicas, status.state() + ": " + status.detail());
    }

    public RepointOutcome repoint(RepointRequest request) {
        ApplicationRef app = request.application();
        SecretValue current = secrets.read(app.namespace(), app.secretName(), app.secretKey());
        DatabaseUrl before = DatabaseUrl.parse(current.value(), app.secretLabel());
        rollouts.get(app.namespace(), app.deployment()); // exists, before anything changes
        DatabaseUrl after = before.withEndpoint(request.endpoint());
        if (after.equals(before)) {
            LOG.info("{} already points at {}; nothing to change", app.secretLabel(), request.endpoint());
            return new RepointOutcome.Repointed(before.endpoint(), request.endpoint(), false, clock.instant(),
                    "already pointing at " + request.endpoint());
        }

        LOG.info("repointing {} from {} to {}", app.secretLabel(), before.endpoint(), request.endpoint());
        String writtenVersion = secrets.write(app.namespace(), app.secretName(), app.secretKey(), after.reveal(),
                current.resourceVersion());
        String failure;
        try {
            failure = rollOutAndCheck(request);
        } catch (RuntimeException e) {
            failure = describe(e);
        }
        if (failure == null) {
            LOG.info("{} now runs on {}", app.deploymentLabel(), request.endpoint());
            return new RepointOutcome.Repointed(before.endpoint(), request.endpoint(), true, clock.instant(),
                    "rolled out on " + request.endpoint());
        }
        LOG.warn("repoint of {} to {} failed ({}); putting {} back", app.deploymentLabel(), request.endpoint(),
                failure, before.endpoint());
        return rollBack(request, before, writtenVersion, failure);
    }

    /** Restart, wait, check health; the reason it failed, or null. */
    private String rollOutAndCheck(RepointRequest request) {
        ApplicationRef app = request.application();
        long generation = rollouts.restart(app.namespace(), app.deployment(), clock.instant());
        RolloutStatus status = rollouts.await(app.namespace(), app.deployment(), generation, request.rolloutTimeout());
        if (status.state() != RolloutStatus.State.COMPLETE) {
            return "rollout of " + app.deploymentLabel() + " failed: " + status.detail();
        }
        if (request.healthUrl().isPresent()) {
            HealthProbe.Result result = health.check(request.healthUrl().get(), request.healthTimeout());
            if (!result.healthy()) {
                return "health check of " + request.healthUrl().get() + " failed: " + result.detail();
            }
        }
        return null;
    }

    private RepointOutcome rollBack(RepointRequest request, DatabaseUrl before, String writtenVersion, String failure) {
        ApplicationRef app = request.application();
        try {
            // Conditional on our own write: if someone changed the secret since, theirs stands.
            secrets.write(app.namespace(), app.secretName(), app.secretKey(), before.reveal(), writtenVersion);
            long generation = rollouts.restart(app.namespace(), app.deployment(), clock.instant());
            RolloutStatus status = rollouts.await(app.namespace(), app.deployment(), generation,
                    request.rolloutTimeout());
            if (status.state() == RolloutStatus.State.COMPLETE) {
                LOG.info("{} is back on {}", app.deploymentLabel(), before.endpoint());
                return new RepointOutcome.RolledBack(before.endpoint(), request.endpoint(), failure);
            }
            return new RepointOutcome.RollbackFailed(before.endpoint(), request.endpoint(), failure,
                    "the previous value was put back but its rollout did not complete: " + status.detail());
        } catch (RuntimeException e) {
            String problem = describe(e);
            LOG.error("rollback of {} failed: {}", app.deploymentLabel(), problem);
            return new RepointOutcome.RollbackFailed(before.endpoint(), request.endpoint(), failure, problem);
        }
    }

    /** Our exceptions carry safe messages; anything else is named by class only (its message could quote a request). */
    private static String describe(RuntimeException e) {
        return e instanceof PgvaultException ? e.getMessage() : "unexpected " + e.getClass().getName();
    }
}
