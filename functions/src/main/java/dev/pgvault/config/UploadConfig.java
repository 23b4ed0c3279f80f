package dev.pgvault.config;

import dev.pgvault.archive.Compression;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.kube.ResourceKind;
import dev.pgvault.repository.ArtifactKey;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.ObjectLock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The upload function's configuration (Kubernetes configuration daily, source code weekly), read
 * from its environment once and checked before any work. The repository, encryption and signing
 * are the backup function's; cluster access is the repoint function's. Secrets are references.
 *
 * @param namespaces             the namespaces exported by a config run (empty: config runs are refused)
 * @param sealedSecretsNamespace where the sealed-secrets keys are; null not to export them
 * @param gitUrl                 the repository a code run fetches; null: code runs are refused
 * @param gitTokenRef            a Secrets Manager reference to the HTTPS token; null for none
 */
public record UploadConfig(String bucket, String prefix, String backupName, String signingKey, int compressionLevel,
                           String metricsNamespace, EncryptionConfig encryption, ObjectLock objectLock,
                           Optional<String> eksClusterName, Optional<String> kubeAccessSecret, String region,
                           List<String> namespaces, List<ResourceKind> customKinds, String sealedSecretsNamespace,
                           String gitUrl, String gitTokenRef, String gitUsername, String codeName,
                           Duration watchdogMargin) {
    public static final String CONFIG_NAMESPACES = "PGVAULT_CONFIG_NAMESPACES";
    public static final String CONFIG_CUSTOM_RESOURCES = "PGVAULT_CONFIG_CUSTOM_RESOURCES";
    public static final String SEALED_SECRETS_NAMESPACE = "PGVAULT_SEALED_SECRETS_NAMESPACE";
    public static final String GIT_URL = "PGVAULT_GIT_URL";
    public static final String GIT_TOKEN_REF = "PGVAULT_GIT_TOKEN_REF";
    public static final String GIT_USERNAME = "PGVAULT_GIT_USERNAME";
    public static final String CODE_NAME = "PGVAULT_CODE_NAME";

    /** What the template must set for this function. */
    public static final List<String> REQUIRED_VARIABLES = List.of(BackupConfig.BUCKET, BackupConfig.SIGNING_KEY,
            RepointConfig.AWS_REGION);

    public static UploadConfig from(Environment env) {
        String backupName = env.optional(BackupConfig.BACKUP_NAME, "auth-db");
        BackupKey.checkName(backupName);
        List<String> namespaces = names(env, CONFIG_NAMESPACES);
        Optional<String> eks = env.optional(RepointConfig.EKS_CLUSTER_NAME);
        Optional<String> kubeSecret = env.optional(RepointConfig.KUBE_ACCESS_SECRET);
        if (!namespaces.isEmpty() && eks.isPresent() == kubeSecret.isPresent()) {
            throw new ConfigurationException("set exactly one of " + RepointConfig.EKS_CLUSTER_NAME + " and "
                    + RepointConfig.KUBE_ACCESS_SECRET + " to back up namespaces " + namespaces);
        }
        List<ResourceKind> custom;
        try {
            custom = ResourceKind.customList(env.optional(CONFIG_CUSTOM_RESOURCES,
                    ResourceKind.SEALED_SECRET.toString()));
        } catch (ConfigurationException e) {
            throw new ConfigurationException("environment variable " + CONFIG_CUSTOM_RESOURCES + ": " + e.getMessage());
        }
        String keysNamespace = env.optional(SEALED_SECRETS_NAMESPACE, "kube-system").strip();
        String gitUrl = env.optional(GIT_URL).orElse(null);
        String codeName = env.optional(CODE_NAME, "auth-service");
        try {
            ArtifactKey.checkName(codeName);
            if (!keysNamespace.isEmpty()) {
                ArtifactKey.checkName(keysNamespace);
            }
        } catch (ConfigurationException e) {
            throw new ConfigurationException("environment variable " + CODE_NAME + " or " + SEALED_SECRETS_NAMESPACE
                    + ": " + e.getMessage());
        }
        return new UploadConfig(env.required(BackupConfig.BUCKET), env.optional(BackupConfig.PREFIX, ""), backupName,
                env.required(BackupConfig.SIGNING_KEY),
                // Always gzip at its default: the database's compression settings (zstd levels up to 19) do not apply.
                Compression.GZIP.defaultLevel(),
                env.optional(BackupConfig.METRICS_NAMESPACE, "pgvault"), EncryptionConfig.from(env),
                BackupConfig.objectLock(env), eks, kubeSecret, env.required(RepointConfig.AWS_REGION), namespaces,
                custom, keysNamespace.isEmpty() ? null : keysNamespace, gitUrl,
                env.optional(GIT_TOKEN_REF).orElse(null), env.optional(GIT_USERNAME, "x-access-token"), codeName,
                Duration.ofSeconds(env.integer(BackupConfig.WATCHDOG_MARGIN_SECONDS, 60, 1, 600)));
    }

    /** Comma-separated namespace names, each checked; empty for none. */
    private static List<String> names(Environment env, String variable) {
        List<String> names = new ArrayList<>();
        for (String part : env.optional(variable, "").split(",")) {
            String name = part.strip();
            if (name.isEmpty()) {
                continue;
            }
            try {
                ArtifactKey.checkName(name);
            } catch (ConfigurationException e) {
                throw new ConfigurationException("environment variable " + variable + ": " + e.getMessage());
            }
            names.add(name);
        }
        return List.copyOf(names);
    }
}
