package dev.pgvault.verify;

import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.ManifestCodec;
import dev.pgvault.archive.signing.TrustedKeys;
import dev.pgvault.errors.BackupNotFoundException;
import dev.pgvault.errors.TamperedBackupException;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.Versioned;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads a backup's manifest the only way a restore or verification may: checked to be signed
 * by a trusted key and to describe the backup it sits beside, before anything else is read.
 * Whoever can write to the repository can replace a script and recompute its manifest, or move
 * a genuine manifest onto another object; neither passes here.
 */
public final class SignedManifests {
    private SignedManifests() {}

    /** A manifest that passed, and whether it was signed (false only when unsigned was allowed). */
    public record Checked(Manifest manifest, boolean signed) {}

    /**
     * @param allowUnsigned accept a manifest without any signature (pg_dump scripts and older
     *                      pgvault backups); a signature that is present must still verify
     * @param warn          told, loudly, when an unsigned manifest is accepted
     */
    public static Checked read(BackupStore store, String key, TrustedKeys trusted, boolean allowUnsigned,
                               Consumer<String> warn) {
        String manifestKey = Sidecar.MANIFEST.keyFor(key);
        byte[] content = store.readVersioned(manifestKey).map(Versioned::content).orElseThrow(() ->
                new BackupNotFoundException("backup " + key + " has no manifest in " + store.location()
                        + ": the run that wrote it did not finish, so it is not a backup"));
        Manifest manifest = ManifestCodec.decode(content, manifestKey);
        Optional<byte[]> signature = store.readVersioned(Sidecar.MANIFEST_SIGNATURE.keyFor(key)).map(Versioned::content);
        if (signature.isEmpty() && allowUnsigned) {
            warn.accept("WARNING: " + manifestKey + " is not signed; restoring it only because --allow-unsigned"
                    + " was given. Nothing proves who wrote this backup.");
        } else {
            trusted.verify(manifestKey, content, signature,
                    manifest.signing() == null ? null : manifest.signing().keyId());
        }
        if (!key.equals(manifest.key())) {
            throw new TamperedBackupException(manifestKey + " describes " + manifest.key() + ", not " + key
                    + ": a manifest was moved onto another backup. Nothing was restored");
        }
        return new Checked(manifest, signature.isPresent());
    }
}
