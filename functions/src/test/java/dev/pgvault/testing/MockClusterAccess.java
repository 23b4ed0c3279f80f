package dev.pgvault.testing;

import dev.pgvault.kube.KubernetesAccess;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/** The Kubernetes mock server as pgvault reaches a cluster: a new client for each unit of work. */
public record MockClusterAccess(KubernetesMockServer server) implements KubernetesAccess {
    @Override
    public KubernetesClient connect() {
        return server.createClient();
    }

    @Override
    public String describe() {
        return "the mock cluster";
    }
}
