package dev.pgvault.kube;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.KubernetesAccessException;
import dev.pgvault.repoint.ApplicationRef;
import dev.pgvault.repoint.DatabaseEndpoint;
import dev.pgvault.repoint.DatabaseUrl;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The migration hook of a restore from a backup (the runbook's {@code npx prisma migrate deploy}): a
 * Kubernetes Job created from the operator's template in the application's namespace, run against the
 * restored database before the application is pointed at it, and watched until it succeeds or fails.
 *
 * <p>The Job gets {@code DATABASE_URL} in every container from a Secret of its own (owned by the Job, so
 * it goes with it): the application's URL with the restored database's host, port and name. The URL,
 * which holds the password, never appears in the Job's spec, this class's answers or its exceptions.
 * Starting again with the same run id finds the Job already created (a retried step does not run the
 * migration twice).
 */
public final class MigrationJobs {
    public static final String URL_VARIABLE = "DATABASE_URL";
    static final String RUN_LABEL = "pgvault.dev/restore-run";

    /** A Job started (or found from an earlier attempt). */
    public record Started(String namespace, String job) {}

    public enum State { RUNNING, SUCCEEDED, FAILED }

    public record Status(State state, String detail) {}

    private final KubernetesClient client;

    public MigrationJobs(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Creates the Job from {@code template} (a batch/v1 Job as JSON) for restore run {@code run}, its
     * database the application's URL moved to {@code endpoint} and {@code database}.
     */
    public Started start(ApplicationRef app, JsonNode template, DatabaseEndpoint endpoint, String database, String run) {
        Job job = parse(template);
        String name = name(job, app, run);
        String namespace = app.namespace();
        try {
            Job existing = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
            if (existing != null) {
                String owner = existing.getMetadata().getLabels() == null ? null
                        : existing.getMetadata().getLabels().get(RUN_LABEL);
                if (!label(run).equals(owner)) {
                    throw new InvalidRequestException("a Job " + namespace + "/" + name + " exists and is not this"
                            + " restore's; delete it or name the template's Job differently");
                }
                return new Started(namespace, name); // an earlier attempt of this step created it
            }
            String url = DatabaseUrl.parse(new SecretKeys(client).read(namespace, app.secretName(), app.secretKey())
                    .value(), app.secretLabel()).withEndpoint(endpoint).withDatabase(database).reveal();
            String secretName = name + "-db";
            Secret secret = client.secrets().inNamespace(namespace).resource(new SecretBuilder()
                    .withNewMetadata().withName(secretName).addToLabels(RUN_LABEL, label(run)).endMetadata()
                    .withType("Opaque")
                    .withData(Map.of(URL_VARIABLE, Base64.getEncoder().encodeToString(url.getBytes(StandardCharsets.UTF_8))))
                    .build()).createOr(existingSecret -> existingSecret.update());
            job.getMetadata().setName(name);
            job.getMetadata().setNamespace(namespace);
            job.getMetadata().setGenerateName(null);
            job.getMetadata().setResourceVersion(null);
            job.getMetadata().getLabels().put(RUN_LABEL, label(run));
            var pod = job.getSpec().getTemplate().getSpec();
            List<Container> containers = new ArrayList<>(pod.getContainers());
            if (pod.getInitContainers() != null) {
                containers.addAll(pod.getInitContainers());
            }
            for (Container container : containers) {
                List<EnvVar> env = new ArrayList<>(container.getEnv() == null ? List.of() : container.getEnv());
                env.removeIf(e -> URL_VARIABLE.equals(e.getName()));
                env.add(new EnvVarBuilder().withName(URL_VARIABLE).withNewValueFrom().withNewSecretKeyRef()
                        .withName(secretName).withKey(URL_VARIABLE).endSecretKeyRef().endValueFrom().build());
                container.setEnv(env);
            }
            Job created = client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
            // The Secret goes when the Job is deleted (ttlSecondsAfterFinished or by hand).
            secret.getMetadata().setOwnerReferences(List.of(new OwnerReferenceBuilder().withApiVersion("batch/v1")
                    .withKind("Job").withName(name).withUid(created.getMetadata().getUid()).build()));
            client.secrets().inNamespace(namespace).resource(secret).update();
            return new Started(namespace, name);
        } catch (KubernetesClientException e) {
            throw new KubernetesAccessException("could not create the migration Job " + namespace + "/" + name + ": "
                    + KubeErrors.describe(e));
        }
    }

    /** The Job's state from its status: succeeded once a pod completed, failed on a Failed condition. */
    public Status status(String namespace, String name) {
        Job job;
        try {
            job = client.batch().v1().jobs().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new KubernetesAccessException("could not read the migration Job " + namespace + "/" + name + ": "
                    + KubeErrors.describe(e));
        }
        if (job == null) {
            return new Status(State.FAILED, "the Job " + namespace + "/" + name + " is gone (deleted?)");
        }
        var status = job.getStatus();
        if (status == null) {
            return new Status(State.RUNNING, "not started yet");
        }
        if (status.getConditions() != null) {
            for (JobCondition condition : status.getConditions()) {
                if ("True".equals(condition.getStatus()) && "Failed".equals(condition.getType())) {
                    return new Status(State.FAILED, condition.getReason() + ": " + condition.getMessage()
                            + " (kubectl logs -n " + namespace + " job/" + name + ")");
                }
                if ("True".equals(condition.getStatus()) && "Complete".equals(condition.getType())) {
                    return new Status(State.SUCCEEDED, "complete");
                }
            }
        }
        if (status.getSucceeded() != null && status.getSucceeded() > 0) {
            return new Status(State.SUCCEEDED, status.getSucceeded() + " succeeded");
        }
        return new Status(State.RUNNING, (status.getActive() == null ? 0 : status.getActive()) + " active, "
                + (status.getFailed() == null ? 0 : status.getFailed()) + " failed");
    }

    private Job parse(JsonNode template) {
        if (template == null || !template.isObject()) {
            throw new InvalidRequestException("the migration job must be a Kubernetes Job (JSON object)");
        }
        Job job;
        try {
            job = client.getKubernetesSerialization().unmarshal(template.toString(), Job.class);
        } catch (RuntimeException e) {
            throw new InvalidRequestException("the migration job is not a Kubernetes Job: " + e.getMessage());
        }
        if (!"Job".equals(job.getKind()) || job.getSpec() == null || job.getSpec().getTemplate() == null
                || job.getSpec().getTemplate().getSpec() == null
                || job.getSpec().getTemplate().getSpec().getContainers() == null
                || job.getSpec().getTemplate().getSpec().getContainers().isEmpty()) {
            throw new InvalidRequestException("the migration job must be a batch/v1 Job with at least one container"
                    + " (kind: Job, spec.template.spec.containers)");
        }
        if (job.getMetadata() == null) {
            job.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        }
        if (job.getMetadata().getLabels() == null) {
            job.getMetadata().setLabels(new java.util.HashMap<>());
        }
        return job;
    }

    /** {@code <template's name or deployment-migrate>-<run>}, as a DNS label of at most 63 characters. */
    static String name(Job job, ApplicationRef app, String run) {
        String base = job.getMetadata().getName() != null ? job.getMetadata().getName() : app.deployment() + "-migrate";
        String suffix = "-" + label(run);
        String name = (base.length() + suffix.length() > 63 ? base.substring(0, 63 - suffix.length()) : base) + suffix;
        return name.replaceAll("-+$", "").replaceAll("--+", "-");
    }

    /** The run id as a label value and name part: lower-case letters, digits and dashes, at most 20. */
    static String label(String run) {
        String cleaned = run.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-").replaceAll("^-+|-+$", "");
        if (cleaned.length() > 20) {
            cleaned = cleaned.substring(cleaned.length() - 20).replaceAll("^-+", "");
        }
        return cleaned.isEmpty() ? "run" : cleaned;
    }
}
