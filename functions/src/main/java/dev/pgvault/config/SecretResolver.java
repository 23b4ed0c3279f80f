package dev.pgvault.config;

import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.errors.SecretUnavailableException;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

/**
 * Reads secret values by reference, never from plain variables:
 * <ul>
 *   <li>a Secrets Manager ARN or name ({@code arn:aws:secretsmanager:...} or {@code my/secret}),</li>
 *   <li>an SSM SecureString ({@code ssm:/path/to/param} or {@code arn:aws:ssm:...:parameter/path}).</li>
 * </ul>
 * Each reference is fetched at most once per resolver (build one per invocation). Values are
 * returned to the caller only; messages name the reference, never the value.
 */
public final class SecretResolver {
    private final SecretsManagerClient secretsManager;
    private final SsmClient ssm;
    private final Map<String, String> fetched = new HashMap<>();

    public SecretResolver(SecretsManagerClient secretsManager, SsmClient ssm) {
        this.secretsManager = secretsManager;
        this.ssm = ssm;
    }

    public synchronized String resolve(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new ConfigurationException("empty secret reference");
        }
        return fetched.computeIfAbsent(reference, this::fetch);
    }

    private String fetch(String reference) {
        try {
            if (reference.startsWith("ssm:") || reference.matches("^arn:aws[a-z-]*:ssm:.*")) {
                String name = reference.startsWith("ssm:") ? reference.substring(4) : reference;
                if (ssm == null) {
                    throw new ConfigurationException("no SSM client to read " + reference);
                }
                return ssm.getParameter(GetParameterRequest.builder().name(name).withDecryption(true).build())
                        .parameter().value();
            }
            if (secretsManager == null) {
                throw new ConfigurationException("no Secrets Manager client to read " + reference);
            }
            var response = secretsManager.getSecretValue(GetSecretValueRequest.builder().secretId(reference).build());
            if (response.secretString() != null) {
                return response.secretString();
            }
            throw new SecretUnavailableException("secret " + reference + " holds binary data; pgvault expects a string");
        } catch (ResourceNotFoundException | ParameterNotFoundException e) {
            throw new SecretUnavailableException("secret " + reference + " does not exist (or this role may not read it)");
        } catch (SdkException e) {
            // The SDK's message names the service error, not the secret's value.
            throw new SecretUnavailableException("could not read secret " + reference + ": " + e.getMessage());
        }
    }
}
