package dev.pgvault.repoint;

/**
 * What a read-only check of the application found: the endpoint its secret points at now (kept
 * by the state machine so it can put it back) and the deployment's rollout state.
 */
public record ApplicationCheck(DatabaseEndpoint currentEndpoint, int desiredReplicas, String rollout) {
}
