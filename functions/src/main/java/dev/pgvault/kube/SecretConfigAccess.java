package dev.pgvault.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.errors.ConfigurationException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * Any other cluster, with its connection details kept in a secret (Secrets Manager or SSM):
 * either a kubeconfig (YAML; token or client-certificate users, not exec plugins, which need
 * tools a Lambda does not have) or JSON {@code {"server": ..., "token": ...,
 * "certificateAuthorityData": ...}} for a service-account token.
 *
 * <p>Error messages name the secret reference and the missing field, never the content.
 */
public final class SecretConfigAccess implements KubernetesAccess {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String reference;
    private final Supplier<String> secretText;

    public SecretConfigAccess(String reference, Supplier<String> secretText) {
        this.reference = reference;
        this.secretText = secretText;
    }

    @Override
    public KubernetesClient connect() {
        return ClientConfigs.build(parse(secretText.get()));
    }

    Config parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty()) {
            throw new ConfigurationException("Kubernetes access secret " + reference + " is empty");
        }
        if (trimmed.startsWith("{")) {
            return fromJson(trimmed);
        }
        try {
            Config config = Config.fromKubeconfig(trimmed);
            if (config.getMasterUrl() == null) {
                throw new ConfigurationException("the kubeconfig in secret " + reference + " names no cluster server");
            }
            return config;
        } catch (ConfigurationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ConfigurationException("secret " + reference
                    + " is neither a kubeconfig nor JSON with server and token (" + e.getClass().getSimpleName() + ")");
        }
    }

    private Config fromJson(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (IOException e) {
            throw new ConfigurationException("secret " + reference + " starts with '{' but is not valid JSON");
        }
        String server = node.path("server").asText("");
        String token = node.path("token").asText("");
        if (server.isBlank() || token.isBlank()) {
            throw new ConfigurationException("secret " + reference + " must hold \"server\" and \"token\"");
        }
        Config config = Config.empty();
        config.setMasterUrl(server);
        config.setOauthToken(token);
        String ca = node.path("certificateAuthorityData").asText("");
        if (!ca.isBlank()) {
            config.setCaCertData(ca);
        }
        return config;
    }

    @Override
    public String describe() {
        return "cluster from secret " + reference;
    }
}
