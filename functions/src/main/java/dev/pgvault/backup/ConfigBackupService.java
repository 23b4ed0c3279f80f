package dev.pgvault.backup;

import dev.pgvault.archive.crypto.NoEncryptionParameters;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.kube.KubernetesAccess;
import dev.pgvault.kube.NamespaceExport;
import dev.pgvault.repository.ArtifactKey;
import dev.pgvault.run.Cancellation;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily Kubernetes configuration backup: one file per namespace under {@code config/}, and
 * the sealed-secrets controller's keys, each written by {@link ArtifactWriter} (locked, encrypted,
 * manifest last). Secrets, and so the keys, are written only when the backup is encrypted;
 * otherwise they are left out and the manifest and the result say so.
 */
public final class ConfigBackupService {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigBackupService.class);

    private final ArtifactWriter writer;
    private final KubernetesAccess access;

    public ConfigBackupService(ArtifactWriter writer, KubernetesAccess access) {
        this.writer = writer;
        this.access = access;
    }

    /** Every file's outcome, and what the run chose not to do (no keys without encryption). */
    public record Result(List<UploadOutcome> outcomes, List<String> warnings) {}

    public Result run(ConfigBackupRequest request, Cancellation cancellation) {
        if (request.namespaces().isEmpty()) {
            throw new InvalidRequestException("no namespace to back up; name at least one");
        }
        for (String namespace : new LinkedHashSet<>(request.namespaces())) {
            ArtifactKey.checkName(namespace);
        }
        boolean encrypted = !NoEncryptionParameters.MODE.equals(request.encryptor().mode());
        List<UploadOutcome> outcomes = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        try (KubernetesClient client = access.connect()) {
            NamespaceExport export = new NamespaceExport(client);
            String source = access.describe();
            for (String namespace : new LinkedHashSet<>(request.namespaces())) {
                ArtifactKey key = ArtifactKey.create(ArtifactKey.Form.NAMESPACE, namespace, writer.clock().instant(),
                        request.encryptor().mode());
                outcomes.add(writer.write(key, request.owner(), request.encryptor(), request.compressionLevel(),
                        out -> NamespaceExport.write(export.namespace(namespace, request.customKinds(), encrypted),
                                source, out), cancellation));
            }
            String keysNamespace = request.sealedSecretsNamespace();
            if (keysNamespace != null && !encrypted) {
                String warning = "the sealed-secrets keys in " + keysNamespace + " were not backed up: encryption is"
                        + " none, and private keys are stored only encrypted. Without them no SealedSecret can be"
                        + " opened after the cluster is lost";
                LOG.warn("{}", warning);
                warnings.add(warning);
            } else if (keysNamespace != null) {
                ArtifactKey key = ArtifactKey.create(ArtifactKey.Form.SEALED_SECRETS_KEYS, keysNamespace,
                        writer.clock().instant(), request.encryptor().mode());
                outcomes.add(writer.write(key, request.owner(), request.encryptor(), request.compressionLevel(),
                        out -> NamespaceExport.write(export.sealedSecretsKeys(keysNamespace), source, out),
                        cancellation));
            }
        }
        return new Result(outcomes, warnings);
    }
}
