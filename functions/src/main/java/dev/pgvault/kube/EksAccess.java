package dev.pgvault.kube;

import dev.pgvault.errors.KubernetesAccessException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.eks.model.Cluster;
import software.amazon.awssdk.services.eks.model.ResourceNotFoundException;

/**
 * An EKS cluster: endpoint and CA certificate from EKS DescribeCluster, bearer tokens from
 * {@link EksTokenProvider}. The function's IAM role must be mapped to a Kubernetes identity
 * (an EKS access entry or the aws-auth ConfigMap) allowed to patch the secret and deployment.
 */
public final class EksAccess implements KubernetesAccess {
    private final EksClient eks;
    private final String clusterName;
    private final EksTokenProvider tokens;

    public EksAccess(EksClient eks, String clusterName, EksTokenProvider tokens) {
        this.eks = eks;
        this.clusterName = clusterName;
        this.tokens = tokens;
    }

    @Override
    public KubernetesClient connect() {
        Cluster cluster;
        try {
            cluster = eks.describeCluster(r -> r.name(clusterName)).cluster();
        } catch (ResourceNotFoundException e) {
            throw new KubernetesAccessException("EKS cluster " + clusterName + " does not exist in this account and region");
        } catch (SdkException e) {
            throw new KubernetesAccessException("could not describe EKS cluster " + clusterName + ": " + e.getMessage());
        }
        if (cluster.endpoint() == null || cluster.endpoint().isBlank()) {
            throw new KubernetesAccessException("EKS cluster " + clusterName + " has no API endpoint yet (status "
                    + cluster.statusAsString() + ")");
        }
        Config config = Config.empty();
        config.setMasterUrl(cluster.endpoint());
        if (cluster.certificateAuthority() != null && cluster.certificateAuthority().data() != null) {
            config.setCaCertData(cluster.certificateAuthority().data());
        }
        config.setOauthTokenProvider(tokens);
        return ClientConfigs.build(config);
    }

    @Override
    public String describe() {
        return "EKS cluster " + clusterName;
    }
}
