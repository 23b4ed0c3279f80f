package dev.pgvault.kube;

import dev.pgvault.archive.UploadManifest;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.KubernetesAccessException;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads what the configuration backup holds from the Kubernetes API: a namespace's objects of the
 * {@link ResourceKind#BUILT_IN} kinds and the configured custom resources, without what a
 * controller made (owned objects), cleaned of server-managed fields ({@link ObjectCleaner}),
 * in restore order; or the sealed-secrets controller's private keys.
 */
public final class NamespaceExport {
    /** The label the sealed-secrets controller puts on each of its key Secrets (active or not). */
    public static final String SEALED_SECRETS_KEY_LABEL = "sealedsecrets.bitnami.com/sealed-secrets-key";

    private final KubernetesClient client;

    public NamespaceExport(KubernetesClient client) {
        this.client = client;
    }

    /** The objects to write, in file order, and what was not exported with the reason. */
    public record Result(List<Map<String, Object>> objects, List<String> leftOut) {}

    /**
     * @param withSecrets false when the backup is not encrypted: Secrets are then left out (and said to be)
     */
    public Result namespace(String namespace, List<ResourceKind> customKinds, boolean withSecrets) {
        Map<String, Object> ns = namespaceObject(namespace);
        List<Map<String, Object>> objects = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        ObjectCleaner.clean(ns);
        objects.add(ns);
        Map<String, Integer> owned = new TreeMap<>();
        List<ResourceKind> kinds = new ArrayList<>(ResourceKind.BUILT_IN);
        kinds.addAll(customKinds);
        for (ResourceKind kind : kinds) {
            List<Map<String, Object>> items;
            try {
                items = list(kind, namespace, null);
            } catch (KubernetesClientException e) {
                if (kind.applyOrder() == ResourceKind.CUSTOM_ORDER && KubeErrors.isNotFound(e)) {
                    leftOut.add(kind.kind() + " (" + kind.apiVersion() + "): not served by this cluster (its"
                            + " custom resource definition is not installed)");
                    continue;
                }
                throw new KubernetesAccessException("could not list " + kind.plural() + " in namespace " + namespace
                        + ": " + KubeErrors.describe(e));
            }
            if (kind.equals(ResourceKind.SECRET) && !withSecrets) {
                long count = items.stream().filter(o -> !ObjectCleaner.controllerMade(o)).count();
                leftOut.add(count + " Secret(s): encryption is none, and Secrets are stored only encrypted"
                        + " (set an encryption mode to back them up)");
                continue;
            }
            for (Map<String, Object> item : items) {
                if (ObjectCleaner.controllerMade(item)) {
                    owned.merge(String.valueOf(item.get("kind")), 1, Integer::sum);
                    continue;
                }
                ObjectCleaner.clean(item);
                objects.add(item);
            }
        }
        if (!owned.isEmpty()) {
            leftOut.add("made by a controller (owned objects, service-account tokens, the namespace's CA bundle),"
                    + " re-made on restore: " + describeCounts(owned));
        }
        objects.sort(Comparator.comparingInt((Map<String, Object> o) -> order(o, customKinds))
                .thenComparing(o -> String.valueOf(o.get("kind")))
                .thenComparing(o -> String.valueOf(ObjectCleaner.map(o.get("metadata")).get("name"))));
        return new Result(objects, leftOut);
    }

    /** Every Secret in {@code namespace} labelled as a sealed-secrets key, the active one and the older ones. */
    public Result sealedSecretsKeys(String namespace) {
        List<Map<String, Object>> keys;
        try {
            keys = list(ResourceKind.SECRET, namespace, SEALED_SECRETS_KEY_LABEL);
        } catch (KubernetesClientException e) {
            throw new KubernetesAccessException("could not list the sealed-secrets keys in namespace " + namespace
                    + ": " + KubeErrors.describe(e));
        }
        keys.forEach(ObjectCleaner::clean);
        keys.sort(Comparator.comparing(o -> String.valueOf(ObjectCleaner.map(o.get("metadata")).get("name"))));
        return new Result(keys, List.of());
    }

    /**
     * Writes the objects as YAML documents and lists each with the SHA-256 of its document; a
     * Secret's hash is left out, as a hash of a short password could be guessed offline from the
     * manifest, which is not encrypted.
     */
    public static UploadManifest.Contents write(Result result, String source, OutputStream out) throws IOException {
        List<UploadManifest.KubeObject> listed = new ArrayList<>();
        for (Map<String, Object> object : result.objects()) {
            byte[] document = ConfigYaml.document(object);
            out.write(document);
            Map<String, Object> metadata = ObjectCleaner.map(object.get("metadata"));
            String kind = String.valueOf(object.get("kind"));
            listed.add(new UploadManifest.KubeObject(String.valueOf(object.get("apiVersion")), kind,
                    (String) metadata.get("namespace"), String.valueOf(metadata.get("name")),
                    kind.equals("Secret") ? null : ConfigYaml.sha256(document)));
        }
        return new UploadManifest.Contents(source, listed, null, null, result.leftOut());
    }

    private Map<String, Object> namespaceObject(String namespace) {
        GenericKubernetesResource ns;
        try {
            ns = client.genericKubernetesResources(ResourceKind.NAMESPACE.context()).withName(namespace).get();
        } catch (KubernetesClientException e) {
            throw new KubernetesAccessException("could not read namespace " + namespace + ": " + KubeErrors.describe(e));
        }
        if (ns == null) {
            throw new InvalidRequestException("namespace " + namespace + " does not exist in the cluster; nothing"
                    + " was backed up for it");
        }
        return asMap(ns);
    }

    private List<Map<String, Object>> list(ResourceKind kind, String namespace, String label) {
        var resources = client.genericKubernetesResources(kind.context()).inNamespace(namespace);
        var items = (label == null ? resources.list() : resources.withLabel(label).list()).getItems();
        List<Map<String, Object>> objects = new ArrayList<>();
        for (GenericKubernetesResource item : items) {
            Map<String, Object> object = asMap(item);
            // Lists leave kind and apiVersion out of their items on some servers.
            object.putIfAbsent("apiVersion", kind.apiVersion());
            object.putIfAbsent("kind", kind.kind());
            objects.add(reorder(object));
        }
        return objects;
    }

    /** apiVersion, kind, metadata first, as kubectl prints them. */
    private static Map<String, Object> reorder(Map<String, Object> object) {
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (String first : List.of("apiVersion", "kind", "metadata")) {
            if (object.containsKey(first)) {
                ordered.put(first, object.get(first));
            }
        }
        object.forEach(ordered::putIfAbsent);
        return ordered;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> asMap(GenericKubernetesResource resource) {
        return reorder(client.getKubernetesSerialization().convertValue(resource, LinkedHashMap.class));
    }

    private static int order(Map<String, Object> object, List<ResourceKind> customKinds) {
        String apiVersion = String.valueOf(object.get("apiVersion"));
        String kind = String.valueOf(object.get("kind"));
        if (kind.equals("Namespace")) {
            return 0;
        }
        return ResourceKind.find(ResourceKind.BUILT_IN, apiVersion, kind)
                .or(() -> ResourceKind.find(customKinds, apiVersion, kind))
                .map(ResourceKind::applyOrder).orElse(ResourceKind.CUSTOM_ORDER);
    }

    private static String describeCounts(Map<String, Integer> counts) {
        List<String> parts = new ArrayList<>();
        counts.forEach((kind, n) -> parts.add(n + " " + kind));
        return String.join(", ", parts);
    }
}
