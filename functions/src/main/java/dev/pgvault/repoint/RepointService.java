package dev.pgvault.repoint;

import dev.pgvault.errors.PgvaultException;
import dev.pgvault.errors.RepointRefusedException;
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
 * paths end with: rewrite the host and port (and, when asked, the database) of the
 * {@code DATABASE_URL} in its secret (user, password and parameters untouched), restart the
 * deployment recording the endpoint on its pod template ({@value Rollouts#DATABASE_ENDPOINT}),
 * wait for the rollout, check health.
 *
 * <p>Everything that can be checked without changing anything comes first: the secret, its key
 * and URL, the deployment, whether a controller manages the secret (it would revert the change:
 * refused, saying where to change it, unless explicitly allowed), and a session opened on the new
 * database with the application's own credentials. Once the secret has been written, any failure
 * puts the previous value back and restarts again, so the application is never left on a
 * database it cannot use.
 *
 * <p>Idempotent: a secret that already holds the new value counts as done only when the pod
 * template records that endpoint and its rollout completed; otherwise (a retry after a write
 * whose restart never happened) the pods are restarted onto it.
 */
public final class RepointService {
    private static final Logger LOG = LoggerFactory.getLogger(RepointService.class);

    private final SecretKeys secrets;
    private final Rollouts rollouts;
    private final HealthProbe health;
    private final ConnectionTest connections;
    private final Clock clock;

    public RepointService(KubernetesClient client, HealthProbe health, ConnectionTest connections, Clock clock,
                          Duration pollInterval) {
        this.secrets = new SecretKeys(client);
        this.rollouts = new Rollouts(client, pollInterval);
        this.health = health;
        this.connections = connections;
        this.clock = clock;
    }

    /** Read-only: where the application points now, and whether it could be repointed. */
    public ApplicationCheck check(ApplicationRef app, boolean allowManagedSecret) {
        SecretValue current = secrets.read(app.namespace(), app.secretName(), app.secretKey());
        refuseManaged(app, current, allowManagedSecret);
        DatabaseUrl url = DatabaseUrl.parse(current.value(), app.secretLabel());
        Deployment deployment = rollouts.get(app.namespace(), app.deployment());
        RolloutStatus status = RolloutStatus.of(deployment, 0);
        int replicas = deployment.getSpec() == null || deployment.getSpec().getReplicas() == null
                ? 1 : deployment.getSpec().getReplicas();
        return new ApplicationCheck(url.endpoint(), url.database().orElse(null), replicas,
                status.state() + ": " + status.detail(), Rollouts.templateAnnotation(deployment, Rollouts.DATABASE_ENDPOINT));
    }

    public RepointOutcome repoint(RepointRequest request) {
        ApplicationRef app = request.application();
        SecretValue current = secrets.read(app.namespace(), app.secretName(), app.secretKey());
        refuseManaged(app, current, request.allowManagedSecret());
        DatabaseUrl before = DatabaseUrl.parse(current.value(), app.secretLabel());
        Deployment deployment = rollouts.get(app.namespace(), app.deployment()); // exists, before anything changes
        DatabaseUrl after = before.withEndpoint(request.endpoint());
        if (request.database().isPresent()) {
            after = after.withDatabase(request.database().get());
        }
        if (after.equals(before)) {
            return alreadyWritten(request, before, deployment);
        }
        refuseUnreachable(request, after);

        LOG.info("repointing {} from {} to {}", app.secretLabel(), label(before), label(after));
        String writtenVersion = secrets.write(app.namespace(), app.secretName(), app.secretKey(), after.reveal(),
                current.resourceVersion());
        String failure;
        try {
            failure = rollOutAndCheck(request, label(after));
        } catch (RuntimeException e) {
            failure = describe(e);
        }
        if (failure == null) {
            LOG.info("{} now runs on {}", app.deploymentLabel(), label(after));
            return repointed(before, after, request, true, "rolled out on " + label(after));
        }
        LOG.warn("repoint of {} to {} failed ({}); putting {} back", app.deploymentLabel(), label(after),
                failure, label(before));
        return rollBack(request, before, writtenVersion, failure);
    }

    /**
     * The secret holds the requested value already. Done when the pod template was rolled out for
     * it and that rollout completed; a rollout for it still under way is waited for; otherwise the
     * pods may still run an older value (an earlier attempt wrote the secret and stopped before
     * restarting), so they are restarted onto it, after the connection test.
     */
    private RepointOutcome alreadyWritten(RepointRequest request, DatabaseUrl url, Deployment deployment) {
        ApplicationRef app = request.application();
        String target = label(url);
        String recorded = Rollouts.templateAnnotation(deployment, Rollouts.DATABASE_ENDPOINT);
        if (target.equals(recorded)) {
            long generation = deployment.getMetadata().getGeneration() == null ? 0 : deployment.getMetadata().getGeneration();
            RolloutStatus status = RolloutStatus.of(deployment, generation);
            if (status.state() == RolloutStatus.State.PROGRESSING) {
                status = rollouts.await(app.namespace(), app.deployment(), generation, request.rolloutTimeout());
            }
            if (status.state() == RolloutStatus.State.COMPLETE) {
                LOG.info("{} already runs on {}; nothing to change", app.deploymentLabel(), target);
                return repointed(url, url, request, false, "already running on " + target + " (" + status.detail() + ")");
            }
            LOG.warn("{} was rolled out for {} but that rollout failed: {}", app.deploymentLabel(), target, status.detail());
        } else {
            LOG.info("{} already holds {}, but the pods were not rolled out for it (they were for {}); restarting them",
                    app.secretLabel(), target, recorded == null ? "no endpoint recorded" : recorded);
        }
        if (request.testConnection()) {
            String failure = connections.failure(url, app.secretLabel());
            if (failure != null) {
                return new RepointOutcome.NotCompleted(url.endpoint(), request.endpoint(), app.secretLabel()
                        + " already holds " + target + " (an earlier attempt wrote it), but that database cannot be"
                        + " used: " + failure + "; the pods were not restarted");
            }
        }
        String failure;
        try {
            failure = rollOutAndCheck(request, target);
        } catch (RuntimeException e) {
            failure = describe(e);
        }
        if (failure == null) {
            LOG.info("{} now runs on {}", app.deploymentLabel(), target);
            return repointed(url, url, request, true, "the secret already held " + target
                    + "; the pods were restarted onto it");
        }
        return new RepointOutcome.NotCompleted(url.endpoint(), request.endpoint(), app.secretLabel() + " already held "
                + target + " (an earlier attempt wrote it) and bringing the pods onto it failed: " + failure);
    }

    private void refuseManaged(ApplicationRef app, SecretValue secret, boolean allowed) {
        if (secret.managedBy().isEmpty()) {
            return;
        }
        if (allowed) {
            LOG.warn("secret {}/{} is {}; writing it anyway, as allowManagedSecret asks", app.namespace(),
                    app.secretName(), secret.managedBy().get());
            return;
        }
        throw new RepointRefusedException("secret " + app.namespace() + "/" + app.secretName() + " is "
                + secret.managedBy().get() + ". pgvault changed nothing: a value written here would be reverted and"
                + " the application would silently go back to the old database at its next restart. To write it"
                + " anyway, set allowManagedSecret (pgvault restore pitr --allow-managed-secret)");
    }

    private void refuseUnreachable(RepointRequest request, DatabaseUrl after) {
        if (!request.testConnection()) {
            return;
        }
        ApplicationRef app = request.application();
        String failure = connections.failure(after, app.secretLabel() + " with the new endpoint");
        if (failure != null) {
            throw new RepointRefusedException("the application's URL with the new endpoint " + label(after)
                    + " does not work (" + failure + "); nothing was written and " + app.deploymentLabel()
                    + " still uses its previous database");
        }
    }

    private RepointOutcome.Repointed repointed(DatabaseUrl before, DatabaseUrl after, RepointRequest request,
                                               boolean changed, String detail) {
        return new RepointOutcome.Repointed(before.endpoint(), request.endpoint(), changed, clock.instant(), detail,
                before.database().orElse(null), after.database().orElse(null));
    }

    /** Restart (recording the endpoint on the pod template), wait, check health; the reason it failed, or null. */
    private String rollOutAndCheck(RepointRequest request, String endpointLabel) {
        ApplicationRef app = request.application();
        long generation = rollouts.restart(app.namespace(), app.deployment(), clock.instant(), endpointLabel);
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
            long generation = rollouts.restart(app.namespace(), app.deployment(), clock.instant(), label(before));
            RolloutStatus status = rollouts.await(app.namespace(), app.deployment(), generation,
                    request.rolloutTimeout());
            if (status.state() == RolloutStatus.State.COMPLETE) {
                LOG.info("{} is back on {}", app.deploymentLabel(), label(before));
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

    /** host:port/database, as recorded on the pod template and shown in messages (no credentials). */
    static String label(DatabaseUrl url) {
        return url.endpoint().authority() + "/" + url.database().orElse("");
    }

    /** Our exceptions carry safe messages; anything else is named by class only (its message could quote a request). */
    private static String describe(RuntimeException e) {
        return e instanceof PgvaultException ? e.getMessage() : "unexpected " + e.getClass().getName();
    }
}
