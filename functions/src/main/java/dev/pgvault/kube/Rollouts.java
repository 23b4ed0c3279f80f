package dev.pgvault.kube;

import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.KubernetesAccessException;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;

/**
 * Restarts a deployment the way {@code kubectl rollout restart} does and waits for the rollout.
 *
 * <p>The restart is a JSON merge patch of the pod template's
 * {@code kubectl.kubernetes.io/restartedAt} annotation: new pods read the secret afresh, and
 * merge patch is accepted by every API server (strategic merge and server-side apply are not).
 */
public final class Rollouts {
    public static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";
    /**
     * The database endpoint ({@code host:port/database}) the pod template was rolled out for, set
     * by every pgvault restart: "the pods run the new endpoint" is this annotation on a template
     * whose rollout completed, not merely a secret that holds it.
     */
    public static final String DATABASE_ENDPOINT = "pgvault.dev/database-endpoint";

    private final KubernetesClient client;
    private final Duration pollInterval;

    public Rollouts(KubernetesClient client, Duration pollInterval) {
        this.client = client;
        this.pollInterval = pollInterval;
    }

    /** The deployment, or an error naming it when it does not exist. */
    public Deployment get(String namespace, String name) {
        Deployment deployment;
        try {
            deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new KubernetesAccessException("could not read deployment " + namespace + "/" + name + ": "
                    + KubeErrors.describe(e));
        }
        if (deployment == null) {
            throw new InvalidRequestException("deployment " + namespace + "/" + name + " does not exist");
        }
        return deployment;
    }

    /** Sets the deployment's replicas (the in-place restore scales to 0 and back). */
    public void scale(String namespace, String name, int replicas) {
        try {
            client.apps().deployments().inNamespace(namespace).withName(name).scale(replicas);
        } catch (KubernetesClientException e) {
            throw new KubernetesAccessException("could not scale deployment " + namespace + "/" + name + " to "
                    + replicas + ": " + KubeErrors.describe(e));
        }
    }

    /** Triggers a new rollout; returns the generation the change produced (to wait for). */
    public long restart(String namespace, String name, Instant at) {
        return restart(namespace, name, at, null);
    }

    /** The pod template's annotation, or null. */
    public static String templateAnnotation(Deployment deployment, String key) {
        if (deployment.getSpec() == null || deployment.getSpec().getTemplate() == null
                || deployment.getSpec().getTemplate().getMetadata() == null
                || deployment.getSpec().getTemplate().getMetadata().getAnnotations() == null) {
            return null;
        }
        return deployment.getSpec().getTemplate().getMetadata().getAnnotations().get(key);
    }

    /**
     * Triggers a new rollout whose pod template records {@code databaseEndpoint} (when not null)
     * in {@link #DATABASE_ENDPOINT}, in the same patch; returns the generation to wait for.
     */
    public long restart(String namespace, String name, Instant at, String databaseEndpoint) {
        var annotations = get(namespace, name).getSpec().getTemplate().getMetadata().getAnnotations();
        if (annotations != null && at.toString().equals(annotations.get(RESTARTED_AT))) {
            // The same value again would be no change, and no rollout (a coarse clock, a quick rollback).
            at = at.plusMillis(1);
        }
        var values = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        values.put(RESTARTED_AT, at.toString());
        if (databaseEndpoint != null) {
            values.put(DATABASE_ENDPOINT, databaseEndpoint);
        }
        String patch = "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":" + values + "}}}}";
        try {
            Deployment patched = client.apps().deployments().inNamespace(namespace).withName(name)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
            Long generation = patched.getMetadata().getGeneration();
            return generation == null ? 0 : generation;
        } catch (KubernetesClientException e) {
            throw new KubernetesAccessException("could not restart deployment " + namespace + "/" + name + ": "
                    + KubeErrors.describe(e));
        }
    }

    /**
     * Polls until the rollout completes, fails, or the timeout passes. Never throws for a slow or
     * failed rollout (the caller decides what to undo); only for an API it cannot reach.
     */
    public RolloutStatus await(String namespace, String name, long atLeastGeneration, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RolloutStatus status;
        while (true) {
            Deployment deployment;
            try {
                deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
            } catch (KubernetesClientException e) {
                throw new KubernetesAccessException("could not read deployment " + namespace + "/" + name
                        + " while waiting for its rollout: " + KubeErrors.describe(e));
            }
            status = RolloutStatus.of(deployment, atLeastGeneration);
            if (status.state() != RolloutStatus.State.PROGRESSING) {
                return status;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return new RolloutStatus(RolloutStatus.State.FAILED,
                        "not complete after " + timeout.toSeconds() + " s: " + status.detail());
            }
            sleep(Math.min(left, pollInterval.toNanos()));
        }
    }

    private static void sleep(long nanos) {
        try {
            Thread.sleep(Duration.ofNanos(nanos));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubernetesAccessException("interrupted while waiting for a rollout");
        }
    }
}
