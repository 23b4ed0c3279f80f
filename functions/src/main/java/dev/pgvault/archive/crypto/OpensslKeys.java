package dev.pgvault.archive.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of one openssl-mode object, all from the passphrase and the object's salt.
 *
 * <p>Cipher key and IV are exactly openssl's: with {@code -pbkdf2 -md sha256}, {@code openssl enc}
 * takes 48 bytes of PBKDF2-HMAC-SHA256(passphrase, salt, iterations): bytes 0..32 are the AES-256
 * key, bytes 32..48 the CBC IV.
 *
 * <p>The MAC key and the key check are HKDF-SHA256 (RFC 5869, empty salt) of those 48 bytes, each
 * with its own label. Why HKDF rather than asking PBKDF2 for more bytes (48..80): PBKDF2 computes
 * its output in 32-byte blocks, each costing the full iteration count, so a third block would make
 * every backup and restore pay 50% more key-stretching while an attacker testing guesses still
 * needs only the first blocks; HKDF costs two HMACs. Both stay reproducible with stock tools:
 * <pre>
 * openssl kdf -keylen 48 -kdfopt digest:SHA256 -kdfopt pass:PASS -kdfopt hexsalt:SALT -kdfopt iter:N PBKDF2
 * openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt hexkey:KEYIV -kdfopt info:pgvault-openssl-hmac-key-v1 HKDF
 * openssl dgst -sha256 -mac HMAC -macopt hexkey:MACKEY OBJECT
 * </pre>
 * The key check lets a restore say "wrong passphrase" before decrypting anything, instead of
 * failing later on garbage. It gives a guesser nothing new: testing a guess against it costs the
 * same PBKDF2 work as testing it against the ciphertext's first block.
 */
final class OpensslKeys {
    static final int SALT_BYTES = 8;
    static final String MAC_KEY_LABEL = "pgvault-openssl-hmac-key-v1";
    static final String KEY_CHECK_LABEL = "pgvault-openssl-key-check-v1";

    private final byte[] cipherKey;
    private final byte[] iv;
    private final byte[] macKey;
    private final byte[] keyCheck;

    private OpensslKeys(byte[] cipherKey, byte[] iv, byte[] macKey, byte[] keyCheck) {
        this.cipherKey = cipherKey;
        this.iv = iv;
        this.macKey = macKey;
        this.keyCheck = keyCheck;
    }

    static OpensslKeys derive(Passphrase passphrase, byte[] salt, int iterations) {
        byte[] keyAndIv = Pbkdf2HmacSha256.derive(passphrase.bytes(), salt, iterations, 48);
        try {
            return new OpensslKeys(
                    Arrays.copyOfRange(keyAndIv, 0, 32),
                    Arrays.copyOfRange(keyAndIv, 32, 48),
                    hkdfSha256(keyAndIv, MAC_KEY_LABEL),
                    hkdfSha256(keyAndIv, KEY_CHECK_LABEL));
        } finally {
            Arrays.fill(keyAndIv, (byte) 0);
        }
    }

    /** HKDF-Extract with an empty salt (HashLen zero bytes), then one block of HKDF-Expand. */
    private static byte[] hkdfSha256(byte[] inputKey, String label) {
        try {
            Mac extract = Mac.getInstance("HmacSHA256");
            extract.init(new SecretKeySpec(new byte[32], "HmacSHA256"));
            byte[] pseudoRandomKey = extract.doFinal(inputKey);
            Mac expand = Mac.getInstance("HmacSHA256");
            expand.init(new SecretKeySpec(pseudoRandomKey, "HmacSHA256"));
            expand.update(label.getBytes(StandardCharsets.US_ASCII));
            expand.update((byte) 1);
            return expand.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }

    SecretKeySpec cipherKey() {
        return new SecretKeySpec(cipherKey, "AES");
    }

    byte[] iv() {
        return iv.clone();
    }

    /** A fresh HMAC-SHA256 keyed for the whole-object MAC. */
    Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }

    byte[] keyCheck() {
        return keyCheck.clone();
    }

    @Override
    public String toString() {
        return "OpensslKeys[redacted]";
    }
}
