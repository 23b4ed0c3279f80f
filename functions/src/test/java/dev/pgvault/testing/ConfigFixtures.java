package dev.pgvault.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A namespace holding every kind the configuration backup exports, with what a real cluster
 * adds (server fields, a last-applied annotation, allocated addresses) and what controllers make
 * (a ReplicaSet and Pod owned by the Deployment, a Job owned by the CronJob, a token Secret, the
 * namespace's CA bundle); and sealed-secrets controller keys in kube-system. Objects are written
 * as YAML, as an operator would apply them.
 */
public final class ConfigFixtures {
    /** Secret values the stored backup must never show, plain or base64. */
    public static final List<String> SECRET_VALUES = List.of("hunter2-very-secret", "postgres://app:s3cr3t-pw@db/auth",
            "-----BEGIN PRIVATE KEY-----sealedkeyone", "-----BEGIN PRIVATE KEY-----sealedkeytwo");

    private ConfigFixtures() {
    }

    public static void shop(KubernetesClient client, String ns) {
        KubeFixtures.namespace(client, ns);
        String lastApplied = "kubectl.kubernetes.io/last-applied-configuration: '{\"big\":\"json\"}'";
        create(client, "v1", "serviceaccounts", "ServiceAccount", ns, """
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: web}
                """);
        create(client, "rbac.authorization.k8s.io/v1", "roles", "Role", ns, """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: reader}
                rules:
                - apiGroups: [""]
                  resources: [configmaps]
                  verbs: [get, list]
                """);
        create(client, "rbac.authorization.k8s.io/v1", "rolebindings", "RoleBinding", ns, """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: web-reads}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
                subjects:
                - {kind: ServiceAccount, name: web, namespace: %s}
                """.formatted(ns));
        create(client, "v1", "configmaps", "ConfigMap", ns, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: web-settings
                  labels: {app: web}
                  annotations:
                    %s
                data: {LOG_LEVEL: info, FEATURES: "a,b"}
                """.formatted(lastApplied));
        create(client, "v1", "configmaps", "ConfigMap", ns, """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: kube-root-ca.crt}
                data: {ca.crt: the cluster CA}
                """);
        create(client, "v1", "secrets", "Secret", ns, """
                apiVersion: v1
                kind: Secret
                metadata: {name: web-secrets}
                type: Opaque
                data: {password: %s, database-url: %s}
                """.formatted(b64(SECRET_VALUES.get(0)), b64(SECRET_VALUES.get(1))));
        create(client, "v1", "secrets", "Secret", ns, """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: web-token-abcde
                  annotations: {kubernetes.io/service-account.name: web}
                type: kubernetes.io/service-account-token
                data: {token: dG9rZW4=}
                """);
        create(client, "v1", "persistentvolumeclaims", "PersistentVolumeClaim", ns, """
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata:
                  name: data
                  annotations: {pv.kubernetes.io/bind-completed: "yes"}
                spec:
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Gi}}
                  storageClassName: gp3
                  volumeName: pvc-0a1b2c
                status: {phase: Bound}
                """);
        create(client, "v1", "services", "Service", ns, """
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  clusterIP: 10.100.7.9
                  clusterIPs: [10.100.7.9]
                  selector: {app: web}
                  ports:
                  - {port: 80, targetPort: 8080, protocol: TCP}
                """);
        create(client, "apps/v1", "deployments", "Deployment", ns, """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  annotations: {deployment.kubernetes.io/revision: "4"}
                spec:
                  replicas: 3
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      serviceAccountName: web
                      containers:
                      - name: web
                        image: example/web:1.4
                        env:
                        - name: DATABASE_URL
                          valueFrom: {secretKeyRef: {name: web-secrets, key: database-url}}
                status: {replicas: 3, readyReplicas: 3}
                """);
        create(client, "apps/v1", "replicasets", "ReplicaSet", ns, """
                apiVersion: apps/v1
                kind: ReplicaSet
                metadata:
                  name: web-5d8f7
                  ownerReferences:
                  - {apiVersion: apps/v1, kind: Deployment, name: web, uid: 1111-2222, controller: true}
                spec:
                  replicas: 3
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: example/web:1.4}]}
                """);
        create(client, "apps/v1", "statefulsets", "StatefulSet", ns, """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: cache}
                spec:
                  serviceName: cache
                  replicas: 1
                  selector: {matchLabels: {app: cache}}
                  template:
                    metadata: {labels: {app: cache}}
                    spec: {containers: [{name: redis, image: redis:7}]}
                """);
        create(client, "apps/v1", "daemonsets", "DaemonSet", ns, """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: log-agent}
                spec:
                  selector: {matchLabels: {app: log-agent}}
                  template:
                    metadata: {labels: {app: log-agent}}
                    spec: {containers: [{name: agent, image: fluent-bit:3}]}
                """);
        create(client, "batch/v1", "cronjobs", "CronJob", ns, """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: nightly-report}
                spec:
                  schedule: "0 3 * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          restartPolicy: OnFailure
                          containers: [{name: report, image: example/report:2}]
                """);
        create(client, "batch/v1", "jobs", "Job", ns, """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: nightly-report-29000000
                  ownerReferences:
                  - {apiVersion: batch/v1, kind: CronJob, name: nightly-report, uid: 3333-4444, controller: true}
                spec:
                  template:
                    spec:
                      restartPolicy: OnFailure
                      containers: [{name: report, image: example/report:2}]
                """);
        create(client, "batch/v1", "jobs", "Job", ns, """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: migrate-v14
                  labels: {batch.kubernetes.io/controller-uid: 5555-6666, app: migrate}
                spec:
                  selector: {matchLabels: {batch.kubernetes.io/controller-uid: 5555-6666}}
                  template:
                    metadata:
                      labels: {batch.kubernetes.io/controller-uid: 5555-6666, job-name: migrate-v14, app: migrate}
                    spec:
                      restartPolicy: Never
                      containers: [{name: migrate, image: example/migrate:14}]
                """);
        create(client, "v1", "pods", "Pod", ns, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web-5d8f7-x2x2x
                  ownerReferences:
                  - {apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f7, uid: 7777-8888, controller: true}
                spec: {containers: [{name: web, image: example/web:1.4}]}
                """);
        create(client, "autoscaling/v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", ns, """
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata: {name: web}
                spec:
                  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
                  minReplicas: 2
                  maxReplicas: 10
                  metrics:
                  - type: Resource
                    resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
                """);
        create(client, "networking.k8s.io/v1", "ingresses", "Ingress", ns, """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: web}
                spec:
                  ingressClassName: alb
                  rules:
                  - host: shop.example.com
                    http:
                      paths:
                      - path: /
                        pathType: Prefix
                        backend: {service: {name: web, port: {number: 80}}}
                """);
        create(client, "networking.k8s.io/v1", "networkpolicies", "NetworkPolicy", ns, """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: web-only-from-ingress}
                spec:
                  podSelector: {matchLabels: {app: web}}
                  policyTypes: [Ingress]
                """);
        create(client, "bitnami.com/v1alpha1", "sealedsecrets", "SealedSecret", ns, """
                apiVersion: bitnami.com/v1alpha1
                kind: SealedSecret
                metadata: {name: payment-keys}
                spec:
                  encryptedData: {api-key: AgBy3i4OJSWK+PiTySYZZA==}
                  template: {metadata: {name: payment-keys}}
                """);
    }

    /** Two controller keys (an old one and the active one) and an unrelated Secret, in {@code ns}. */
    public static void sealedSecretsKeys(KubernetesClient client, String ns) {
        if (client.namespaces().withName(ns).get() == null) {
            KubeFixtures.namespace(client, ns);
        }
        for (int i = 0; i < 2; i++) {
            create(client, "v1", "secrets", "Secret", ns, """
                    apiVersion: v1
                    kind: Secret
                    metadata:
                      name: sealed-secrets-key%s
                      labels: {sealedsecrets.bitnami.com/sealed-secrets-key: "%s"}
                    type: kubernetes.io/tls
                    data: {tls.key: %s, tls.crt: Y2VydA==}
                    """.formatted(i == 0 ? "abcde" : "fghij", i == 0 ? "compromised" : "active",
                    b64(SECRET_VALUES.get(2 + i))));
        }
        create(client, "v1", "secrets", "Secret", ns, """
                apiVersion: v1
                kind: Secret
                metadata: {name: unrelated}
                data: {x: eA==}
                """);
    }

    public static String b64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    public static GenericKubernetesResource create(KubernetesClient client, String apiVersion, String plural,
                                                   String kind, String ns, String yaml) {
        GenericKubernetesResource resource = client.getKubernetesSerialization()
                .unmarshal(yaml, GenericKubernetesResource.class);
        return client.genericKubernetesResources(context(apiVersion, plural, kind, true)).inNamespace(ns)
                .resource(resource).create();
    }

    public static ResourceDefinitionContext context(String apiVersion, String plural, String kind, boolean namespaced) {
        int slash = apiVersion.indexOf('/');
        return new ResourceDefinitionContext.Builder().withGroup(slash < 0 ? "" : apiVersion.substring(0, slash))
                .withVersion(apiVersion.substring(slash + 1)).withPlural(plural).withKind(kind)
                .withNamespaced(namespaced).build();
    }

    /** An object as a map, for comparisons. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> asMap(KubernetesClient client, GenericKubernetesResource resource) {
        return client.getKubernetesSerialization().convertValue(resource, Map.class);
    }
}
