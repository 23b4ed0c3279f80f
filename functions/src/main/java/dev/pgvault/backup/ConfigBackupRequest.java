package dev.pgvault.backup;

import dev.pgvault.archive.crypto.Encryptor;
import dev.pgvault.kube.ResourceKind;
import java.util.List;

/**
 * What one configuration backup run exports.
 *
 * @param namespaces             the namespaces, one file each
 * @param customKinds            custom resources exported beside the built-in kinds (SealedSecrets by default)
 * @param sealedSecretsNamespace where the sealed-secrets controller keeps its keys; null not to export them
 * @param owner                  describes the run in its locks
 */
public record ConfigBackupRequest(List<String> namespaces, List<ResourceKind> customKinds,
                                  String sealedSecretsNamespace, Encryptor encryptor, int compressionLevel,
                                  String owner) {
    public ConfigBackupRequest {
        namespaces = List.copyOf(namespaces);
        customKinds = List.copyOf(customKinds);
    }
}
