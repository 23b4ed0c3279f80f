package dev.pgvault.archive.signing;

import dev.pgvault.errors.ConfigurationException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GetPublicKeyResponse;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.kms.model.MessageType;
import software.amazon.awssdk.services.kms.model.SigningAlgorithmSpec;

/**
 * Signs manifests with an asymmetric AWS KMS key (ECC_NIST_P256, SIGN_VERIFY): the private key
 * never leaves KMS, and only the role granted {@code kms:Sign} (the backup function's) can sign.
 * KMS signs the SHA-256 digest ({@code MessageType DIGEST}), so manifests of any size fit its
 * 4 KiB message limit; the DER signature is what {@code openssl dgst -sha256 -verify} checks
 * against the key's public half ({@code aws kms get-public-key}).
 */
public final class KmsManifestSigner implements ManifestSigner {
    private final KmsClient kms;
    private final String keyArn;
    private final PublicKey publicKey;

    public KmsManifestSigner(KmsClient kms, String keyArn) {
        this.kms = kms;
        this.keyArn = keyArn;
        this.publicKey = publicKey(kms, keyArn);
    }

    /** The public half of a KMS signing key, checked to be one pgvault can use. */
    public static PublicKey publicKey(KmsClient kms, String keyArn) {
        GetPublicKeyResponse response;
        try {
            response = kms.getPublicKey(b -> b.keyId(keyArn));
        } catch (SdkException e) {
            throw new ConfigurationException("could not read the public key of the signing key " + keyArn + ": "
                    + e.getMessage());
        }
        if (response.keySpec() != KeySpec.ECC_NIST_P256 || response.keyUsage() != KeyUsageType.SIGN_VERIFY) {
            throw new ConfigurationException("the signing key " + keyArn + " is " + response.keySpecAsString() + " for "
                    + response.keyUsageAsString() + "; pgvault signs with an ECC_NIST_P256 key for SIGN_VERIFY");
        }
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(response.publicKey().asByteArray()));
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("KMS returned an unreadable public key for " + keyArn);
        }
    }

    @Override
    public String keyId() {
        return SigningKeys.fingerprint(publicKey);
    }

    @Override
    public byte[] sign(byte[] manifest) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-256").digest(manifest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        try {
            return kms.sign(b -> b.keyId(keyArn).message(SdkBytes.fromByteArray(digest))
                    .messageType(MessageType.DIGEST).signingAlgorithm(SigningAlgorithmSpec.ECDSA_SHA_256))
                    .signature().asByteArray();
        } catch (SdkException e) {
            throw new dev.pgvault.errors.PgvaultException("could not sign the manifest with " + keyArn + ": "
                    + e.getMessage(), e);
        }
    }

    @Override
    public PublicKey publicKey() {
        return publicKey;
    }
}
