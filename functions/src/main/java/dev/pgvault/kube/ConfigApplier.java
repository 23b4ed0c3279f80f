package dev.pgvault.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Applies backed-up objects to a cluster, as {@code kubectl apply -f} of the file would, in
 * dependency order ({@link ResourceKind#applyOrder()}): an object the cluster lacks is created;
 * one that differs in what the backup says is merged (JSON merge patch: the backup's fields win,
 * fields the backup lacks are kept); one that already says it all is left alone. Nothing the
 * backup lacks is deleted. One object failing does not stop the others; each gets its own line.
 */
public final class ConfigApplier {
    /** What happened, or in a dry run would happen, to one object. */
    public enum Action { CREATED, UPDATED, UNCHANGED, FAILED;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param diff   for UPDATED: what changed (or would), one line per field; Secret values hidden
     * @param reason for FAILED: the API server's answer (HTTP code and reason, never the object)
     */
    public record ObjectResult(String kind, String namespace, String name, Action action, List<String> diff,
                               String reason) {
        public String describe() {
            return kind + " " + (namespace == null ? "" : namespace + "/") + name;
        }
    }

    private final KubernetesClient client;
    private final List<ResourceKind> known;

    public ConfigApplier(KubernetesClient client, List<ResourceKind> customKinds) {
        this.client = client;
        List<ResourceKind> kinds = new ArrayList<>(ResourceKind.BUILT_IN);
        kinds.add(ResourceKind.NAMESPACE);
        kinds.add(ResourceKind.SEALED_SECRET);
        kinds.addAll(customKinds);
        this.known = List.copyOf(kinds);
    }

    /**
     * @param objects     the backup's objects (changed in place when renamed)
     * @param toNamespace where to apply them: their own namespace, or another one (renamed on the way)
     * @param dryRun      read only: report what would be created or updated, with the differences
     */
    public List<ObjectResult> apply(List<Map<String, Object>> objects, String fromNamespace, String toNamespace,
                                    boolean dryRun) {
        List<Map<String, Object>> ordered = new ArrayList<>(objects);
        ordered.sort(Comparator.comparingInt(o -> kindOf(o).applyOrder()));
        List<ObjectResult> results = new ArrayList<>();
        for (Map<String, Object> object : ordered) {
            if (!fromNamespace.equals(toNamespace)) {
                rename(object, fromNamespace, toNamespace);
            }
            results.add(applyOne(object, dryRun));
        }
        return results;
    }

    private ObjectResult applyOne(Map<String, Object> object, boolean dryRun) {
        ResourceKind kind = kindOf(object);
        Map<String, Object> metadata = ObjectCleaner.map(object.get("metadata"));
        String name = String.valueOf(metadata.get("name"));
        String namespace = kind.namespaced() ? (String) metadata.get("namespace") : null;
        Resource<GenericKubernetesResource> resource = operation(kind, namespace).withName(name);
        try {
            GenericKubernetesResource existing = resource.get();
            if (existing == null) {
                if (!dryRun) {
                    operation(kind, namespace).resource(toResource(object)).create();
                }
                return new ObjectResult(kind.kind(), namespace, name, Action.CREATED, List.of(), null);
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> current = client.getKubernetesSerialization().convertValue(existing, Map.class);
            ObjectCleaner.clean(current);
            List<String> diff = ObjectDiff.between(object, current);
            if (diff.isEmpty()) {
                return new ObjectResult(kind.kind(), namespace, name, Action.UNCHANGED, List.of(), null);
            }
            if (!dryRun) {
                resource.patch(PatchContext.of(PatchType.JSON_MERGE),
                        client.getKubernetesSerialization().asJson(object));
            }
            return new ObjectResult(kind.kind(), namespace, name, Action.UPDATED, diff, null);
        } catch (KubernetesClientException e) {
            return new ObjectResult(kind.kind(), namespace, name, Action.FAILED, List.of(), KubeErrors.describe(e));
        }
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> operation(ResourceKind kind, String namespace) {
        var all = client.genericKubernetesResources(kind.context());
        return namespace == null ? all : all.inNamespace(namespace);
    }

    private GenericKubernetesResource toResource(Map<String, Object> object) {
        return client.getKubernetesSerialization().convertValue(object, GenericKubernetesResource.class);
    }

    private ResourceKind kindOf(Map<String, Object> object) {
        String apiVersion = String.valueOf(object.get("apiVersion"));
        String kind = String.valueOf(object.get("kind"));
        return ResourceKind.find(known, apiVersion, kind).orElseGet(() -> {
            int slash = apiVersion.indexOf('/');
            return new ResourceKind(slash < 0 ? "" : apiVersion.substring(0, slash), apiVersion.substring(slash + 1),
                    kind.toLowerCase(Locale.ROOT) + "s", kind, true, ResourceKind.CUSTOM_ORDER);
        });
    }

    /** Moves an object to another namespace, with the references to its old namespace that RBAC holds. */
    public static void rename(Map<String, Object> object, String from, String to) {
        Map<String, Object> metadata = ObjectCleaner.map(object.get("metadata"));
        if ("Namespace".equals(object.get("kind"))) {
            if (from.equals(metadata.get("name"))) {
                metadata.put("name", to);
            }
            return;
        }
        if (from.equals(metadata.get("namespace"))) {
            metadata.put("namespace", to);
        }
        if (object.get("subjects") instanceof List<?> subjects) {
            for (Object subject : subjects) {
                Map<String, Object> s = ObjectCleaner.map(subject);
                if (s != null && from.equals(s.get("namespace"))) {
                    s.put("namespace", to);
                }
            }
        }
    }
}
