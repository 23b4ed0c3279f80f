package dev.pgvault.restore;

import dev.pgvault.archive.Compression;
import dev.pgvault.archive.UploadManifest;
import dev.pgvault.archive.VerifyingInputStream;
import dev.pgvault.archive.crypto.DecryptingStream;
import dev.pgvault.archive.crypto.Decryptor;
import dev.pgvault.archive.signing.TrustedKeys;
import dev.pgvault.errors.IntegrityException;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.PgvaultException;
import dev.pgvault.kube.ConfigApplier;
import dev.pgvault.kube.ConfigYaml;
import dev.pgvault.kube.KubernetesAccess;
import dev.pgvault.kube.ResourceKind;
import dev.pgvault.repository.ArtifactCatalog;
import dev.pgvault.repository.ArtifactKey;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.verify.UploadManifests;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Restores a configuration backup into a cluster: the signed manifest is checked, the whole file
 * read, decrypted and checked against it before the first object is applied; then
 * {@link ConfigApplier} applies the objects in dependency order, into the namespace they came
 * from or another one.
 */
public final class ConfigRestoreService {
    private final BackupStore store;
    private final TrustedKeys trusted;
    private final KubernetesAccess access;

    public ConfigRestoreService(BackupStore store, TrustedKeys trusted, KubernetesAccess access) {
        this.store = store;
        this.trusted = trusted;
        this.access = access;
    }

    /** What the restore did (or in a dry run would do) to each object. */
    public record Report(String key, String fromNamespace, String toNamespace, boolean dryRun,
                         List<ConfigApplier.ObjectResult> results) {
        public long count(ConfigApplier.Action action) {
            return results.stream().filter(r -> r.action() == action).count();
        }

        public boolean failed() {
            return count(ConfigApplier.Action.FAILED) > 0;
        }
    }

    /**
     * @param keyOrLatest a config key (a namespace's file or a sealed-secrets keys file), or "latest"
     *                    for the newest backup of {@code namespace}
     * @param namespace   the namespace the backup is of
     * @param toNamespace where to apply; null or equal to {@code namespace} for the same namespace
     */
    public Report restore(String keyOrLatest, String namespace, String toNamespace, boolean dryRun,
                          Decryptor decryptor, List<ResourceKind> customKinds) {
        return restore(resolve(keyOrLatest, ArtifactKey.Form.NAMESPACE, namespace), toNamespace, dryRun, decryptor,
                customKinds);
    }

    /** Restores the sealed-secrets controller's keys into the namespace they came from. */
    public Report restoreKeys(String keyOrLatest, String namespace, Decryptor decryptor) {
        return restore(resolve(keyOrLatest, ArtifactKey.Form.SEALED_SECRETS_KEYS, namespace), null, false, decryptor,
                List.of());
    }

    private Report restore(ArtifactKey key, String toNamespace, boolean dryRun, Decryptor decryptor,
                           List<ResourceKind> customKinds) {
        String target = toNamespace == null || toNamespace.isBlank() ? key.name() : toNamespace;
        ArtifactKey.checkName(target);
        List<Map<String, Object>> objects = read(key, decryptor);
        try (KubernetesClient client = access.connect()) {
            List<ConfigApplier.ObjectResult> results = new ConfigApplier(client, customKinds)
                    .apply(objects, key.name(), target, dryRun);
            return new Report(key.key(), key.name(), target, dryRun, results);
        }
    }

    /** "latest" of {@code form} for {@code namespace}, or a given config key (of either form) checked against it. */
    private ArtifactKey resolve(String keyOrLatest, ArtifactKey.Form form, String namespace) {
        ArtifactCatalog catalog = new ArtifactCatalog(store);
        if ("latest".equals(keyOrLatest)) {
            if (namespace == null || namespace.isBlank()) {
                throw new InvalidRequestException("'latest' needs the namespace whose backup to restore");
            }
            return catalog.resolve(keyOrLatest, form, namespace);
        }
        ArtifactKey key = catalog.resolve(keyOrLatest, form, namespace);
        if (namespace != null && !namespace.isBlank() && !namespace.equals(key.name())) {
            throw new InvalidRequestException("backup " + key + " is of namespace " + key.name() + ", not "
                    + namespace + " (to restore it into another namespace, give --to-namespace " + namespace + ")");
        }
        return key;
    }

    /** The backup's objects, read whole and checked (signature, hash, object list) before any is applied. */
    private List<Map<String, Object>> read(ArtifactKey key, Decryptor decryptor) {
        UploadManifest manifest = UploadManifests.read(store, key.key(), trusted);
        List<Map<String, Object>> objects;
        try (VerifyingInputStream stored = new VerifyingInputStream(new BufferedInputStream(store.open(key.key()),
                1 << 16), manifest.sha256(), manifest.storedBytes(), key.key())) {
            DecryptingStream plain = decryptor.decrypt(stored, manifest.encryption());
            InputStream yaml = Compression.GZIP.decompress(plain);
            objects = ConfigYaml.read(yaml, key.key());
            yaml.transferTo(java.io.OutputStream.nullOutputStream());
            plain.verifyToEnd();
            stored.verify();
        } catch (IOException e) {
            throw new PgvaultException("could not read " + key + " from " + store.location() + ": " + e.getMessage(), e);
        }
        List<String> listed = new ArrayList<>();
        manifest.objects().forEach(o -> listed.add(o.kind() + "/" + o.name()));
        List<String> found = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            Object name = object.get("metadata") instanceof Map<?, ?> m ? m.get("name") : null;
            found.add(object.get("kind") + "/" + name);
        }
        if (!listed.equals(found)) {
            throw new IntegrityException("backup " + key + " does not hold the objects its manifest lists; nothing"
                    + " was applied");
        }
        return objects;
    }
}
