package dev.pgvault.repoint;

/**
 * What a read-only check of the application found: the endpoint and database its secret points
 * at now (kept by the state machine so it can put them back), the deployment's rollout state, and
 * the endpoint its pod template was last rolled out for by pgvault (null when never).
 */
public record ApplicationCheck(DatabaseEndpoint currentEndpoint, String currentDatabase, int desiredReplicas,
                               String rollout, String runningEndpoint) {
}
