package dev.pgvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.ConfigurationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RepointConfigTest {
    @Test
    void eksClusterWithDefaults() {
        RepointConfig config = RepointConfig.from(new Environment(Map.of(
                RepointConfig.EKS_CLUSTER_NAME, "prod-eu", RepointConfig.AWS_REGION, "eu-west-1")));
        assertThat(config.eksClusterName()).contains("prod-eu");
        assertThat(config.kubeAccessSecret()).isEmpty();
        assertThat(config.rolloutTimeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(config.healthTimeout()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void exactlyOneWayToReachTheCluster() {
        assertThatThrownBy(() -> RepointConfig.from(new Environment(Map.of(RepointConfig.AWS_REGION, "eu-west-1"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(RepointConfig.EKS_CLUSTER_NAME).hasMessageContaining("neither");
        assertThatThrownBy(() -> RepointConfig.from(new Environment(Map.of(
                RepointConfig.AWS_REGION, "eu-west-1", RepointConfig.EKS_CLUSTER_NAME, "a",
                RepointConfig.KUBE_ACCESS_SECRET, "kube/prod"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("both");
    }

    @Test
    void aRollbackMustFitInTheFunctionTimeout() {
        assertThatThrownBy(() -> RepointConfig.from(new Environment(Map.of(
                RepointConfig.AWS_REGION, "eu-west-1", RepointConfig.KUBE_ACCESS_SECRET, "kube/prod",
                RepointConfig.ROLLOUT_TIMEOUT_SECONDS, "400", RepointConfig.HEALTH_TIMEOUT_SECONDS, "100"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(RepointConfig.ROLLOUT_TIMEOUT_SECONDS)
                .hasMessageContaining(RepointConfig.HEALTH_TIMEOUT_SECONDS);
        assertThatThrownBy(() -> RepointConfig.from(new Environment(Map.of(
                RepointConfig.AWS_REGION, "eu-west-1", RepointConfig.KUBE_ACCESS_SECRET, "kube/prod",
                RepointConfig.ROLLOUT_TIMEOUT_SECONDS, "ten"))))
                .hasMessageContaining(RepointConfig.ROLLOUT_TIMEOUT_SECONDS).hasMessageContaining("whole number");
    }

    @Test
    void regionIsRequired() {
        assertThatThrownBy(() -> RepointConfig.from(new Environment(Map.of(RepointConfig.EKS_CLUSTER_NAME, "a"))))
                .hasMessageContaining(RepointConfig.AWS_REGION);
    }
}
