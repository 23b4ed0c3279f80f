package dev.pgvault.kube;

import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * How pgvault reaches a cluster; one implementation per kind of cluster. Each {@link #connect()}
 * returns a new client for one unit of work (close it after): credentials are short-lived.
 */
public interface KubernetesAccess {
    KubernetesClient connect();

    /** Names the cluster for messages ("EKS cluster prod-eu", "cluster from secret ..."). */
    String describe();
}
