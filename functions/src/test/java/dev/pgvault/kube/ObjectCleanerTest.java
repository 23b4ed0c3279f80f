package dev.pgvault.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the export drops and keeps, object by object, and what a dry run reports. */
class ObjectCleanerTest {
    private static Map<String, Object> yaml(String text) throws Exception {
        return ConfigYaml.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test").get(0);
    }

    @Test
    void serverFieldsGoAuthorsFieldsStay() throws Exception {
        Map<String, Object> service = yaml("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                  uid: 1234
                  resourceVersion: "99"
                  creationTimestamp: "2026-01-01T00:00:00Z"
                  managedFields: [{manager: kubectl}]
                  labels: {app: web}
                  annotations: {kubectl.kubernetes.io/last-applied-configuration: '{"spec":{"type":"NodePort"}}'}
                spec:
                  type: NodePort
                  clusterIP: 10.0.0.7
                  clusterIPs: [10.0.0.7]
                  ports: [{port: 80, nodePort: 31234}]
                status: {loadBalancer: {}}
                """);
        ObjectCleaner.clean(service);
        assertThat(ConfigYaml.text(service)).isEqualTo("""
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                  labels:
                    app: web
                spec:
                  type: NodePort
                  ports:
                  - port: 80
                """);

        Map<String, Object> chosen = yaml("""
                kind: Service
                metadata:
                  name: fixed
                  annotations: {kubectl.kubernetes.io/last-applied-configuration: '{"spec":{"ports":[{"nodePort":30080}]}}'}
                spec: {clusterIP: None, ports: [{port: 80, nodePort: 30080}]}
                """);
        ObjectCleaner.clean(chosen);
        assertThat(chosen.get("spec")).isEqualTo(Map.of("clusterIP", "None", "ports", List.of(Map.of("port", 80,
                "nodePort", 30080))));
    }

    @Test
    void controllerMadeObjectsAreRecognised() throws Exception {
        assertThat(ObjectCleaner.controllerMade(yaml("""
                kind: ReplicaSet
                metadata: {name: web-1, ownerReferences: [{kind: Deployment, name: web}]}
                """))).isTrue();
        assertThat(ObjectCleaner.controllerMade(yaml("kind: Secret\nmetadata: {name: t}\ntype: kubernetes.io/service-account-token\n")))
                .isTrue();
        assertThat(ObjectCleaner.controllerMade(yaml("kind: ConfigMap\nmetadata: {name: kube-root-ca.crt}\n"))).isTrue();
        assertThat(ObjectCleaner.controllerMade(yaml("kind: ConfigMap\nmetadata: {name: settings}\n"))).isFalse();
    }

    @Test
    void theDiffNamesChangedFieldsAndHidesSecretValues() throws Exception {
        Map<String, Object> backup = yaml("""
                kind: Secret
                metadata: {name: s, labels: {tier: web}}
                data: {password: bmV3}
                """);
        Map<String, Object> existing = yaml("""
                kind: Secret
                metadata: {name: s, labels: {tier: api}, uid: x}
                data: {password: b2xk, extra: eA==}
                """);
        assertThat(ObjectDiff.between(backup, existing)).containsExactly("metadata.labels.tier: \"api\" -> \"web\"",
                "data.password: (a value) -> (another value, hidden)");
        assertThat(ObjectDiff.between(existing, existing)).isEmpty();
    }
}
