package dev.pgvault.kube;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Turns a Kubernetes client failure into a short description for our own messages. The
 * client's message can quote request bodies and URLs; we keep only the HTTP code and the API
 * server's reason, and never chain the original exception into ours, so a patch that carried a
 * secret value cannot leak it through a stack trace.
 */
final class KubeErrors {
    private KubeErrors() {
    }

    static String describe(KubernetesClientException e) {
        StringBuilder text = new StringBuilder();
        if (e.getCode() > 0) {
            text.append("HTTP ").append(e.getCode());
        } else {
            text.append("no answer from the API server");
        }
        if (e.getStatus() != null && e.getStatus().getReason() != null) {
            text.append(" ").append(e.getStatus().getReason());
        }
        return text.toString();
    }

    static boolean isNotFound(KubernetesClientException e) {
        return e.getCode() == 404;
    }
}
