package dev.pgvault.kube;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes from an exported object what the cluster, not its author, wrote, so the file applies
 * cleanly to a new namespace or cluster: the fields {@code kubectl neat} and Velero's restore
 * drop. Works on the object as a JSON-like map, in place.
 */
public final class ObjectCleaner {
    private static final Set<String> SERVER_METADATA = Set.of("uid", "resourceVersion", "generation",
            "creationTimestamp", "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds",
            "ownerReferences");

    /** Annotations the API server or a controller writes; re-applying them is wrong or pointless. */
    private static final Set<String> SERVER_ANNOTATIONS = Set.of(
            "kubectl.kubernetes.io/last-applied-configuration",
            "deployment.kubernetes.io/revision",
            "pv.kubernetes.io/bind-completed",
            "pv.kubernetes.io/bound-by-controller",
            "volume.beta.kubernetes.io/storage-provisioner",
            "volume.kubernetes.io/storage-provisioner",
            "volume.kubernetes.io/selected-node",
            "control-plane.alpha.kubernetes.io/leader");

    /** Labels a Job's controller puts on the Job and its pod template (a new Job gets new ones). */
    private static final Set<String> JOB_CONTROLLER_LABELS = Set.of("controller-uid", "job-name",
            "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name");

    /** The label the API server puts on every namespace (wrong once the namespace is renamed). */
    static final String NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

    private ObjectCleaner() {
    }

    public static void clean(Map<String, Object> object) {
        object.remove("status");
        Map<String, Object> metadata = map(object.get("metadata"));
        String lastApplied = metadata == null || map(metadata.get("annotations")) == null ? null
                : (String) map(metadata.get("annotations")).get("kubectl.kubernetes.io/last-applied-configuration");
        if (metadata != null) {
            SERVER_METADATA.forEach(metadata::remove);
            removeKeys(metadata, "annotations", SERVER_ANNOTATIONS);
        }
        String kind = String.valueOf(object.get("kind"));
        Map<String, Object> spec = map(object.get("spec"));
        switch (kind) {
            case "Namespace" -> {
                object.remove("spec"); // only the finalizers the server sets
                removeKeys(metadata, "labels", Set.of(NAMESPACE_NAME_LABEL));
            }
            case "Service" -> {
                if (spec != null) {
                    // Allocated by the cluster; a headless service's "None" is the author's choice.
                    if (!"None".equals(spec.get("clusterIP"))) {
                        spec.remove("clusterIP");
                        spec.remove("clusterIPs");
                    }
                    spec.remove("healthCheckNodePort");
                    // Node ports are allocated too, unless the author chose them (Velero's rule): kept
                    // only when the last applied configuration names one.
                    if (lastApplied == null || !lastApplied.contains("\"nodePort\"")) {
                        if (spec.get("ports") instanceof List<?> ports) {
                            ports.forEach(port -> {
                                Map<String, Object> p = map(port);
                                if (p != null) {
                                    p.remove("nodePort");
                                }
                            });
                        }
                    }
                }
            }
            case "PersistentVolumeClaim" -> {
                if (spec != null) {
                    spec.remove("volumeName"); // bound to a volume of the old cluster; a new claim binds anew
                }
            }
            case "Job" -> {
                removeKeys(metadata, "labels", JOB_CONTROLLER_LABELS);
                if (spec != null) {
                    spec.remove("selector"); // generated from the controller-uid
                    Map<String, Object> template = map(spec.get("template"));
                    if (template != null) {
                        removeKeys(map(template.get("metadata")), "labels", JOB_CONTROLLER_LABELS);
                    }
                }
            }
            case "ServiceAccount" -> {
                // Token secrets the controller made (<name>-token-xxxxx, before Kubernetes 1.24) are not exported.
                Object secrets = object.get("secrets");
                if (secrets instanceof List<?> list && metadata != null) {
                    String prefix = metadata.get("name") + "-token-";
                    List<?> kept = list.stream().filter(s -> !(s instanceof Map<?, ?> ref
                            && String.valueOf(ref.get("name")).startsWith(prefix))).toList();
                    if (kept.isEmpty()) {
                        object.remove("secrets");
                    } else {
                        object.put("secrets", kept);
                    }
                }
            }
            default -> {
                // nothing more for this kind
            }
        }
        removeEmpty(metadata, "annotations");
        removeEmpty(metadata, "labels");
    }

    /**
     * Whether the object is made and kept by a controller rather than by its author, and so is
     * not exported: anything with an owner (ReplicaSets, Pods, a CronJob's Jobs, a SealedSecret's
     * Secret), the CA bundle every namespace gets, and service-account token Secrets.
     */
    public static boolean controllerMade(Map<String, Object> object) {
        Map<String, Object> metadata = map(object.get("metadata"));
        if (metadata == null) {
            return false;
        }
        if (metadata.get("ownerReferences") instanceof List<?> owners && !owners.isEmpty()) {
            return true;
        }
        String kind = String.valueOf(object.get("kind"));
        if (kind.equals("ConfigMap") && "kube-root-ca.crt".equals(metadata.get("name"))) {
            return true;
        }
        return kind.equals("Secret") && "kubernetes.io/service-account-token".equals(object.get("type"));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    private static void removeKeys(Map<String, Object> parent, String field, Set<String> keys) {
        Map<String, Object> values = parent == null ? null : map(parent.get(field));
        if (values != null) {
            keys.forEach(values::remove);
        }
    }

    private static void removeEmpty(Map<String, Object> parent, String field) {
        Map<String, Object> values = parent == null ? null : map(parent.get(field));
        if (values != null && values.isEmpty()) {
            parent.remove(field);
        }
    }
}
