package dev.pgvault.kube;

import dev.pgvault.errors.ConfigurationException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A kind of Kubernetes object that the configuration backup exports, with what the API needs to
 * list it (group, version, plural) and its place in the restore order: what others refer to is
 * applied first (Namespace, ServiceAccounts and RBAC, ConfigMaps, Secrets, PVCs, Services, then
 * workloads, autoscalers, Ingresses and policies, custom resources last).
 *
 * @param group the API group, empty for the core group
 */
public record ResourceKind(String group, String version, String plural, String kind, boolean namespaced,
                           int applyOrder) {
    /** Custom resources come after everything built in. */
    public static final int CUSTOM_ORDER = 9;

    /** The SealedSecret custom resource, exported by default. */
    public static final ResourceKind SEALED_SECRET = new ResourceKind("bitnami.com", "v1alpha1", "sealedsecrets",
            "SealedSecret", true, CUSTOM_ORDER);

    public static final ResourceKind NAMESPACE = new ResourceKind("", "v1", "namespaces", "Namespace", false, 0);
    public static final ResourceKind SECRET = new ResourceKind("", "v1", "secrets", "Secret", true, 3);

    /** The built-in kinds exported from a namespace, in restore order. */
    public static final List<ResourceKind> BUILT_IN = List.of(
            new ResourceKind("", "v1", "serviceaccounts", "ServiceAccount", true, 1),
            new ResourceKind("rbac.authorization.k8s.io", "v1", "roles", "Role", true, 1),
            new ResourceKind("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true, 1),
            new ResourceKind("", "v1", "configmaps", "ConfigMap", true, 2),
            SECRET,
            new ResourceKind("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, 4),
            new ResourceKind("", "v1", "services", "Service", true, 5),
            new ResourceKind("apps", "v1", "deployments", "Deployment", true, 6),
            new ResourceKind("apps", "v1", "statefulsets", "StatefulSet", true, 6),
            new ResourceKind("apps", "v1", "daemonsets", "DaemonSet", true, 6),
            new ResourceKind("batch", "v1", "cronjobs", "CronJob", true, 6),
            new ResourceKind("batch", "v1", "jobs", "Job", true, 6),
            new ResourceKind("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, 7),
            new ResourceKind("networking.k8s.io", "v1", "ingresses", "Ingress", true, 8),
            new ResourceKind("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, 8));

    /** {@code Kind.version.group}, e.g. {@code SealedSecret.v1alpha1.bitnami.com}. */
    private static final Pattern CUSTOM = Pattern.compile("([A-Z][A-Za-z0-9]*)\\.(v[0-9][a-z0-9]*)\\.([a-z0-9.-]+\\.[a-z0-9.-]+)");

    /**
     * A custom resource named as {@code Kind.version.group} ({@code SealedSecret.v1alpha1.bitnami.com}),
     * namespaced; its plural is the kind in lower case plus "s" unless given after a slash
     * ({@code NetworkChaos.v1alpha1.chaos-mesh.org/networkchaos}).
     */
    public static ResourceKind custom(String spec) {
        String text = spec == null ? "" : spec.strip();
        String plural = null;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            plural = text.substring(slash + 1);
            text = text.substring(0, slash);
        }
        Matcher m = CUSTOM.matcher(text);
        if (!m.matches() || (plural != null && !plural.matches("[a-z0-9-]+"))) {
            throw new ConfigurationException("custom resource '" + spec + "' must be Kind.version.group[/plural],"
                    + " like SealedSecret.v1alpha1.bitnami.com");
        }
        return new ResourceKind(m.group(3), m.group(2), plural != null ? plural
                : m.group(1).toLowerCase(Locale.ROOT) + "s", m.group(1), true, CUSTOM_ORDER);
    }

    /** Comma-separated {@link #custom(String)} specs; empty text for none. */
    public static List<ResourceKind> customList(String specs) {
        List<ResourceKind> kinds = new ArrayList<>();
        if (specs == null || specs.isBlank()) {
            return kinds;
        }
        for (String spec : specs.split(",")) {
            kinds.add(custom(spec));
        }
        return List.copyOf(kinds);
    }

    /** {@code apps/v1}, or {@code v1} for the core group. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The kind named by {@code apiVersion} and {@code kind} among {@code known}. */
    public static Optional<ResourceKind> find(List<ResourceKind> known, String apiVersion, String kind) {
        return known.stream().filter(k -> k.apiVersion().equals(apiVersion) && k.kind.equals(kind)).findFirst();
    }

    ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withPlural(plural)
                .withKind(kind).withNamespaced(namespaced).build();
    }

    @Override
    public String toString() {
        return kind + "." + version + (group.isEmpty() ? "" : "." + group);
    }
}
