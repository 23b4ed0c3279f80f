package dev.pgvault.archive.signing;

import java.security.PublicKey;

/**
 * Signs manifests, so that whoever can write to the repository cannot plant a backup that a
 * restore would accept. Signatures are ECDSA over P-256 with SHA-256 in DER, exactly what
 * {@code openssl dgst -sha256 -sign} writes and {@code openssl dgst -sha256 -verify} checks.
 * Only the backup side can use the private key: a key file on the machine that backs up, or an
 * AWS KMS key whose {@code kms:Sign} only the backup function's role is granted.
 */
public interface ManifestSigner {
    /** The public key's fingerprint (see {@link SigningKeys#fingerprint}), recorded in each manifest. */
    String keyId();

    /** The DER signature of these exact bytes. */
    byte[] sign(byte[] manifest);

    PublicKey publicKey();
}
