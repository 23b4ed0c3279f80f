package dev.pgvault.kube;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;

/**
 * Where a deployment's rollout stands, judged the way {@code kubectl rollout status} judges it:
 * the controller has seen the latest spec, every desired replica runs the new pod template,
 * no old replica is left, and all updated replicas are available. A rollout that passed its
 * progress deadline has failed, whatever else the status says.
 */
public record RolloutStatus(State state, String detail) {
    public enum State { PROGRESSING, COMPLETE, FAILED }

    /**
     * @param atLeastGeneration the generation our own change produced; the status must be
     *                          about that spec or a later one, not an older rollout
     */
    public static RolloutStatus of(Deployment deployment, long atLeastGeneration) {
        if (deployment == null) {
            return new RolloutStatus(State.FAILED, "the deployment no longer exists");
        }
        if (deployment.getSpec() != null && Boolean.TRUE.equals(deployment.getSpec().getPaused())) {
            return new RolloutStatus(State.FAILED, "the deployment is paused, so it cannot roll out");
        }
        long generation = Math.max(atLeastGeneration, value(deployment.getMetadata().getGeneration()));
        DeploymentStatus status = deployment.getStatus();
        long observed = status == null ? 0 : value(status.getObservedGeneration());
        if (observed < generation) {
            return new RolloutStatus(State.PROGRESSING,
                    "waiting for the controller to observe generation " + generation + " (observed " + observed + ")");
        }
        if (status.getConditions() != null) {
            for (DeploymentCondition condition : status.getConditions()) {
                if ("Progressing".equals(condition.getType()) && "ProgressDeadlineExceeded".equals(condition.getReason())) {
                    return new RolloutStatus(State.FAILED, "progress deadline exceeded"
                            + (condition.getMessage() == null ? "" : ": " + condition.getMessage()));
                }
            }
        }
        int desired = deployment.getSpec() == null || deployment.getSpec().getReplicas() == null
                ? 1 : deployment.getSpec().getReplicas();
        int updated = count(status.getUpdatedReplicas());
        int current = count(status.getReplicas());
        int available = count(status.getAvailableReplicas());
        if (updated < desired) {
            return new RolloutStatus(State.PROGRESSING, updated + " of " + desired + " replicas updated");
        }
        if (current > updated) {
            return new RolloutStatus(State.PROGRESSING, (current - updated) + " old replicas pending termination");
        }
        if (available < updated) {
            return new RolloutStatus(State.PROGRESSING, available + " of " + updated + " updated replicas available");
        }
        return new RolloutStatus(State.COMPLETE, updated + " of " + desired + " replicas updated and available");
    }

    private static long value(Long number) {
        return number == null ? 0 : number;
    }

    private static int count(Integer number) {
        return number == null ? 0 : number;
    }
}
