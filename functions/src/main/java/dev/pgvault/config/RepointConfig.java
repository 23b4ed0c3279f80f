package dev.pgvault.config;

import dev.pgvault.errors.ConfigurationException;
import java.time.Duration;
import java.util.Optional;

/**
 * Configuration of the repoint function, read and checked once at start.
 *
 * @param eksClusterName   the EKS cluster to reach (endpoint, CA and token through EKS and STS)
 * @param kubeAccessSecret or: a Secrets Manager / SSM reference to a kubeconfig or token for another cluster
 * @param region           the function's region (EKS DescribeCluster, token signing)
 * @param rolloutTimeout   how long one rollout may take; a rollback may take as long again
 * @param healthTimeout    how long the optional health URL may take to answer 2xx
 */
public record RepointConfig(Optional<String> eksClusterName, Optional<String> kubeAccessSecret, String region,
                            Duration rolloutTimeout, Duration healthTimeout) {
    public static final String EKS_CLUSTER_NAME = "PGVAULT_EKS_CLUSTER_NAME";
    public static final String KUBE_ACCESS_SECRET = "PGVAULT_KUBE_ACCESS_SECRET";
    public static final String ROLLOUT_TIMEOUT_SECONDS = "PGVAULT_ROLLOUT_TIMEOUT_SECONDS";
    public static final String HEALTH_TIMEOUT_SECONDS = "PGVAULT_HEALTH_TIMEOUT_SECONDS";
    public static final String AWS_REGION = "AWS_REGION";

    /** Lambda's hard limit; the function's Timeout in template.yaml is set to it. */
    static final int FUNCTION_TIMEOUT_SECONDS = 900;
    /** Left for reading the secret, patching, restarting and answering. */
    static final int OVERHEAD_SECONDS = 60;

    public static RepointConfig from(Environment env) {
        Optional<String> eks = env.optional(EKS_CLUSTER_NAME);
        Optional<String> secret = env.optional(KUBE_ACCESS_SECRET);
        if (eks.isPresent() == secret.isPresent()) {
            throw new ConfigurationException("set exactly one of " + EKS_CLUSTER_NAME + " (an EKS cluster) and "
                    + KUBE_ACCESS_SECRET + " (a kubeconfig or token in Secrets Manager or SSM)"
                    + (eks.isPresent() ? "; both are set" : "; neither is set"));
        }
        String region = env.required(AWS_REGION);
        int rollout = env.integer(ROLLOUT_TIMEOUT_SECONDS, 300, 30, 420);
        int health = env.integer(HEALTH_TIMEOUT_SECONDS, 60, 0, 300);
        // A failed repoint rolls out twice (forward, then back) and may check health once:
        // all of it has to end before Lambda stops the function halfway through a rollback.
        if (2 * rollout + health > FUNCTION_TIMEOUT_SECONDS - OVERHEAD_SECONDS) {
            throw new ConfigurationException("2 x " + ROLLOUT_TIMEOUT_SECONDS + " (" + rollout + ") + "
                    + HEALTH_TIMEOUT_SECONDS + " (" + health + ") must not exceed "
                    + (FUNCTION_TIMEOUT_SECONDS - OVERHEAD_SECONDS)
                    + " s, so that a rollback finishes within the function's 900 s");
        }
        return new RepointConfig(eks, secret, region, Duration.ofSeconds(rollout), Duration.ofSeconds(health));
    }
}
