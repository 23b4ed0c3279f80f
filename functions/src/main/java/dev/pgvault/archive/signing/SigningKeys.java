package dev.pgvault.archive.signing;

import dev.pgvault.errors.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The formats signing keys travel in: PEM "PUBLIC KEY" (X.509 SubjectPublicKeyInfo) and
 * "PRIVATE KEY" (PKCS#8), as {@code openssl} reads and writes them, and the fingerprint that
 * names a key in manifests.
 */
public final class SigningKeys {
    /** JCA name of the one signature algorithm: ECDSA P-256 over SHA-256, DER-encoded. */
    public static final String ALGORITHM = "SHA256withECDSA";
    /** The manifest's name for it. */
    public static final String ALGORITHM_ID = "ecdsa-p256-sha256";

    private SigningKeys() {}

    /** "sha256:" + hex of the SHA-256 of the public key's DER (what {@code openssl pkey -pubin -outform DER | sha256sum} prints). */
    public static String fingerprint(PublicKey key) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String publicPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    static String privatePem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    /** Reads a PEM public key; {@code what} names its source in errors. */
    public static PublicKey readPublic(String pem, String what) {
        try {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY", what)));
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException(what + " is not an EC (P-256) public key in PEM");
        }
    }

    static PrivateKey readPrivate(String pem, String what) {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY", what)));
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException(what + " is not an EC (P-256) private key in PKCS#8 PEM");
        }
    }

    /** Whether {@code signature} (DER) is {@code key}'s signature of {@code content}. */
    public static boolean verifies(PublicKey key, byte[] content, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(content);
            return verifier.verify(signature);
        } catch (java.security.SignatureException e) {
            return false; // not even a well-formed signature
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] der(String pem, String type, String what) {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = pem.indexOf(begin);
        int to = pem.indexOf(end);
        if (from < 0 || to < from) {
            throw new ConfigurationException(what + " holds no PEM \"" + type + "\" block");
        }
        try {
            return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(what + " has a damaged PEM \"" + type + "\" block");
        }
    }
}
