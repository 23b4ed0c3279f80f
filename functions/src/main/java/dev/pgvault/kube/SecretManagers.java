package dev.pgvault.kube;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Tells whether a Secret is kept by a controller that would put its own value back: a change
 * made by patching it lasts until the controller's next sync, and the application silently
 * returns to the old database at its next restart. Recognised: owner references (a SealedSecret,
 * an ExternalSecret, any other owner), External Secrets Operator, Sealed Secrets, Argo CD and
 * Flux markers. The answer says where the value has to be changed instead.
 */
public final class SecretManagers {
    private SecretManagers() {
    }

    /** Who manages the secret and where to change it; empty when nothing says it is managed. */
    public static Optional<String> describe(Secret secret) {
        ObjectMeta meta = secret.getMetadata();
        if (meta == null) {
            return Optional.empty();
        }
        if (meta.getOwnerReferences() != null) {
            for (OwnerReference owner : meta.getOwnerReferences()) {
                String kind = owner.getKind() == null ? "object" : owner.getKind();
                String name = kind + " " + owner.getName();
                if (kind.equals("SealedSecret")) {
                    return Optional.of("owned by " + name + " (Sealed Secrets): its controller rewrites the secret from"
                            + " the SealedSecret. Change the value there: kubeseal a new secret and apply the SealedSecret");
                }
                if (kind.equals("ExternalSecret")) {
                    return Optional.of("owned by " + name + " (External Secrets Operator): it rewrites the secret at"
                            + " every refresh. Change the value in the external store the ExternalSecret reads");
                }
                return Optional.of("owned by " + name + " (" + owner.getApiVersion() + ", ownerReferences): its"
                        + " controller may rewrite it. Change the value where " + name + " takes it from");
            }
        }
        Map<String, String> markers = new TreeMap<>();
        if (meta.getAnnotations() != null) {
            meta.getAnnotations().forEach((k, v) -> markers.put("annotation " + k, k));
        }
        if (meta.getLabels() != null) {
            meta.getLabels().forEach((k, v) -> markers.put("label " + k, k));
        }
        for (Map.Entry<String, String> marker : markers.entrySet()) {
            String key = marker.getValue();
            if (key.contains("external-secrets.io/")) {
                return Optional.of("managed by External Secrets Operator (" + marker.getKey() + "): it rewrites the"
                        + " secret at every refresh. Change the value in the external store the ExternalSecret reads");
            }
            if (key.startsWith("sealedsecrets.bitnami.com/")) {
                return Optional.of("managed by Sealed Secrets (" + marker.getKey() + "). Change the value in the"
                        + " SealedSecret: kubeseal a new secret and apply it");
            }
            if (key.startsWith("argocd.argoproj.io/")) {
                return Optional.of("tracked by Argo CD (" + marker.getKey() + "): its next sync puts the value from"
                        + " Git back. Change the value in the application's Git repository (or its secret plugin) and sync");
            }
            if (key.startsWith("kustomize.toolkit.fluxcd.io/") || key.startsWith("helm.toolkit.fluxcd.io/")) {
                return Optional.of("applied by Flux (" + marker.getKey() + "): its next reconciliation puts the value"
                        + " from Git back. Change the value in Git and reconcile");
            }
        }
        return Optional.empty();
    }
}
