package dev.pgvault.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.KubernetesAccessException;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.TreeSet;

/**
 * Reads and writes one key of a Kubernetes Secret, leaving every other key alone.
 *
 * <p>Writes are JSON merge patches of {@code data.<key>} (base64, as the API stores it;
 * {@code stringData} is a write-only convenience some servers do not fold in), carrying the
 * resourceVersion read earlier: if someone changed the secret in between (a password
 * rotation, say), the API server refuses with 409 and we stop instead of writing a value built
 * from stale credentials.
 */
public final class SecretKeys {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KubernetesClient client;

    public SecretKeys(KubernetesClient client) {
        this.client = client;
    }

    /** The decoded value of one key, with the version it was read at. */
    public SecretValue read(String namespace, String secretName, String key) {
        Secret secret;
        try {
            secret = client.secrets().inNamespace(namespace).withName(secretName).get();
        } catch (KubernetesClientException e) {
            throw new KubernetesAccessException("could not read secret " + namespace + "/" + secretName + ": "
                    + KubeErrors.describe(e));
        }
        if (secret == null) {
            throw new InvalidRequestException("secret " + namespace + "/" + secretName + " does not exist");
        }
        String encoded = secret.getData() == null ? null : secret.getData().get(key);
        if (encoded == null) {
            var keys = secret.getData() == null ? new TreeSet<String>() : new TreeSet<>(secret.getData().keySet());
            throw new InvalidRequestException("secret " + namespace + "/" + secretName + " has no key '" + key
                    + "' (its keys: " + (keys.isEmpty() ? "none" : String.join(", ", keys)) + ")");
        }
        String value;
        try {
            value = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("key '" + key + "' of secret " + namespace + "/" + secretName
                    + " is not valid base64");
        }
        return new SecretValue(value, secret.getMetadata().getResourceVersion(), SecretManagers.describe(secret));
    }

    /**
     * Sets one key. {@code expectedVersion} (may be null) makes the write conditional on the
     * secret not having changed since it was read. Returns the secret's new resourceVersion.
     */
    public String write(String namespace, String secretName, String key, String value, String expectedVersion) {
        ObjectNode patch = JSON.createObjectNode();
        if (expectedVersion != null) {
            patch.putObject("metadata").put("resourceVersion", expectedVersion);
        }
        patch.putObject("data").put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
        try {
            Secret written = client.secrets().inNamespace(namespace).withName(secretName)
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch.toString());
            return written.getMetadata().getResourceVersion();
        } catch (KubernetesClientException e) {
            String reason = e.getCode() == 409
                    ? "it changed since pgvault read it (HTTP 409 Conflict); nothing was written"
                    : KubeErrors.describe(e);
            throw new KubernetesAccessException("could not write key '" + key + "' of secret " + namespace + "/"
                    + secretName + ": " + reason);
        }
    }

    /**
     * A secret value, the resourceVersion it was read at, and who else manages the secret (see
     * {@link SecretManagers}). Never printed.
     */
    public record SecretValue(String value, String resourceVersion, java.util.Optional<String> managedBy) {
        public SecretValue(String value, String resourceVersion) {
            this(value, resourceVersion, java.util.Optional.empty());
        }

        @Override
        public String toString() {
            return "SecretValue[resourceVersion=" + resourceVersion + ", value hidden]";
        }
    }
}
