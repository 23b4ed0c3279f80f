package dev.pgvault.archive.signing;

import dev.pgvault.errors.TamperedBackupException;
import dev.pgvault.errors.UnsignedBackupException;
import dev.pgvault.errors.UntrustedSignatureException;
import java.security.PublicKey;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The public keys a restore or verification trusts, by fingerprint, and the one check every
 * reader makes before it applies a single statement: the manifest's bytes carry a signature
 * by one of these keys. The keys come from the reader's own configuration (a key file, the
 * KMS key named in the deployment), never from the repository, which is what a forger controls.
 */
public final class TrustedKeys {
    private final Map<String, PublicKey> byFingerprint = new LinkedHashMap<>();

    private TrustedKeys(Collection<PublicKey> keys) {
        for (PublicKey key : keys) {
            byFingerprint.put(SigningKeys.fingerprint(key), key);
        }
    }

    public static TrustedKeys of(Collection<PublicKey> keys) {
        return new TrustedKeys(keys);
    }

    public boolean isEmpty() {
        return byFingerprint.isEmpty();
    }

    public Collection<String> fingerprints() {
        return byFingerprint.keySet();
    }

    /**
     * Checks {@code signature} over {@code manifest} (the stored bytes, exactly).
     *
     * @param what      names the manifest in messages
     * @param signedBy  the fingerprint the manifest claims, or null when it claims none
     * @throws UnsignedBackupException      no signature
     * @throws UntrustedSignatureException  signed by a key not trusted here
     * @throws TamperedBackupException      the signature does not verify: the manifest was changed
     */
    public void verify(String what, byte[] manifest, Optional<byte[]> signature, String signedBy) {
        if (signature.isEmpty()) {
            throw new UnsignedBackupException(what + " is not signed: it was written by pg_dump, by a pgvault older"
                    + " than signed manifests, or by someone who could write to the repository but not sign."
                    + " Restore it only if you know where it came from, with --allow-unsigned");
        }
        PublicKey key = signedBy == null ? null : byFingerprint.get(signedBy);
        if (key == null) {
            throw new UntrustedSignatureException(what + " is signed by " + (signedBy == null ? "an unnamed key" : signedBy)
                    + ", which is not among the keys this restore trusts (" + String.join(", ", fingerprints())
                    + "); give its public key with --trusted-key if it is yours");
        }
        if (!SigningKeys.verifies(key, manifest, signature.get())) {
            throw new TamperedBackupException(what + "'s signature does not verify with " + signedBy
                    + ": the manifest was changed after it was signed. Nothing was restored");
        }
    }
}
