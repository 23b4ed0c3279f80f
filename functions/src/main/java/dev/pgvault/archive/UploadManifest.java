package dev.pgvault.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pgvault.archive.crypto.EncryptionParameters;
import java.time.Instant;
import java.util.List;

/**
 * The manifest of a configuration or source-code backup ({@code <key>.manifest.json}), written
 * last and signed like a database backup's {@link Manifest}. It lists what the object holds so
 * that a restore can be checked object by object, and says what was deliberately left out.
 * Never holds a secret: Secret objects are listed by name and hash only.
 *
 * @param type    {@code config} or {@code code} ({@link dev.pgvault.repository.ArtifactType})
 * @param name    the namespace or the code's name
 * @param source  where it came from: the cluster as described by its access, or the Git URL without credentials
 * @param objects config: every Kubernetes object, with the SHA-256 of its YAML document
 * @param refs    code: every ref and the commit it points to
 * @param head    code: the default branch and its commit (what the tarball holds)
 * @param leftOut what was not exported and why (Secrets without encryption, say)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UploadManifest(
        int formatVersion,
        String tool,
        String type,
        String key,
        String name,
        String source,
        Instant startedAt,
        Instant finishedAt,
        long durationMillis,
        long rawBytes,
        long storedBytes,
        String sha256,
        Manifest.CompressionInfo compression,
        EncryptionParameters encryption,
        List<KubeObject> objects,
        List<GitRef> refs,
        GitRef head,
        List<String> leftOut,
        Manifest.Signing signing) {

    public static final int FORMAT_VERSION = 1;

    /** One Kubernetes object in the file, in file order. */
    public record KubeObject(String apiVersion, String kind, String namespace, String name, String sha256) {
        /** "Deployment shopping-app/web" for messages. */
        public String describe() {
            return kind + " " + (namespace == null ? "" : namespace + "/") + name;
        }
    }

    /** A ref and the object id it points to. */
    public record GitRef(String name, String objectId) {}

    /** What the producer found, before the pipeline's figures are known. */
    public record Contents(String source, List<KubeObject> objects, List<GitRef> refs, GitRef head,
                           List<String> leftOut) {
        public Contents {
            objects = objects == null ? null : List.copyOf(objects);
            refs = refs == null ? null : List.copyOf(refs);
            leftOut = leftOut == null ? List.of() : List.copyOf(leftOut);
        }
    }

    public String encryptionMode() {
        return encryption == null ? "none" : encryption.mode();
    }
}
