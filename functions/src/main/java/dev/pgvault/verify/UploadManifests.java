package dev.pgvault.verify;

import dev.pgvault.archive.UploadManifest;
import dev.pgvault.archive.UploadManifestCodec;
import dev.pgvault.archive.signing.TrustedKeys;
import dev.pgvault.errors.BackupNotFoundException;
import dev.pgvault.errors.TamperedBackupException;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.Versioned;
import java.util.Optional;

/**
 * Reads a configuration or code backup's manifest the only way a restore may, as
 * {@link SignedManifests} does for database backups: signed by a trusted key, and describing the
 * object it sits beside. Configuration and code backups are always signed: there is no unsigned
 * history to accept.
 */
public final class UploadManifests {
    private UploadManifests() {}

    public static UploadManifest read(BackupStore store, String key, TrustedKeys trusted) {
        String manifestKey = Sidecar.MANIFEST.keyFor(key);
        byte[] content = store.readVersioned(manifestKey).map(Versioned::content).orElseThrow(() ->
                new BackupNotFoundException("backup " + key + " has no manifest in " + store.location()
                        + ": the run that wrote it did not finish, so it is not a backup"));
        UploadManifest manifest = UploadManifestCodec.decode(content, manifestKey);
        Optional<byte[]> signature = store.readVersioned(Sidecar.MANIFEST_SIGNATURE.keyFor(key)).map(Versioned::content);
        trusted.verify(manifestKey, content, signature, manifest.signing() == null ? null : manifest.signing().keyId());
        if (!key.equals(manifest.key())) {
            throw new TamperedBackupException(manifestKey + " describes " + manifest.key() + ", not " + key
                    + ": a manifest was moved onto another backup. Nothing was restored");
        }
        return manifest;
    }
}
