package dev.pgvault.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** An application as the runbook has it: a secret with DATABASE_URL and more, a deployment, rolled out. */
public final class KubeFixtures {
    private KubeFixtures() {
    }

    public static void namespace(KubernetesClient client, String namespace) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                .create();
    }

    public static void secret(KubernetesClient client, String namespace, String name, Map<String, String> plain) {
        Map<String, String> data = new LinkedHashMap<>();
        plain.forEach((k, v) -> data.put(k, encode(v)));
        client.secrets().inNamespace(namespace).resource(new SecretBuilder()
                .withNewMetadata().withName(name).endMetadata().withType("Opaque").withData(data).build()).create();
    }

    /** A deployment whose current rollout is complete. */
    public static void deployment(KubernetesClient client, String namespace, String name, int replicas) {
        Deployment created = client.apps().deployments().inNamespace(namespace).resource(new DeploymentBuilder()
                .withNewMetadata().withName(name).addToLabels("app", name).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().addNewContainer().withName(name).withImage("example/" + name + ":1")
                .addNewEnv().withName("DATABASE_URL").withNewValueFrom().withNewSecretKeyRef()
                .withName(name + "-secrets").withKey("database-url").endSecretKeyRef().endValueFrom().endEnv()
                .endContainer().endSpec().endTemplate().endSpec().build()).create();
        Deployment rolledOut = new DeploymentBuilder(created).withNewStatus()
                .withObservedGeneration(created.getMetadata().getGeneration())
                .withReplicas(replicas).withUpdatedReplicas(replicas).withReadyReplicas(replicas)
                .withAvailableReplicas(replicas).endStatus().build();
        client.apps().deployments().inNamespace(namespace).resource(rolledOut).updateStatus();
    }

    public static String secretValue(KubernetesClient client, String namespace, String name, String key) {
        String encoded = client.secrets().inNamespace(namespace).withName(name).get().getData().get(key);
        return encoded == null ? null : new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    }

    public static String restartedAt(KubernetesClient client, String namespace, String name) {
        var annotations = client.apps().deployments().inNamespace(namespace).withName(name).get()
                .getSpec().getTemplate().getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get("kubectl.kubernetes.io/restartedAt");
    }

    private static String encode(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
