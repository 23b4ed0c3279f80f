package dev.pgvault.errors;

/**
 * The Kubernetes API could not be reached or refused the call (credentials, RBAC, network).
 * Raised before anything was changed when it happens while reading; the message names the
 * cluster and the object, never a token.
 */
public class KubernetesAccessException extends PgvaultException {
    public KubernetesAccessException(String message) {
        super(message);
    }

    public KubernetesAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
