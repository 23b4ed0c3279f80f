package dev.pgvault.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Settings every client of ours shares. Configurations start from {@link Config#empty()} so
 * nothing is picked up from the machine by accident (a developer's ~/.kube/config, a pod's
 * service account): the cluster is exactly the one the function was configured for.
 */
final class ClientConfigs {
    private ClientConfigs() {
    }

    static KubernetesClient build(Config config) {
        config.setConnectionTimeout(10_000);
        config.setRequestTimeout(30_000);
        // The client's own retry of failed requests (with backoff) covers API server blips.
        config.setRequestRetryBackoffLimit(3);
        return new KubernetesClientBuilder().withConfig(config).build();
    }
}
