package dev.pgvault.archive.crypto;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.pgvault.errors.InvalidRequestException;

/**
 * An object in the format {@code openssl enc -aes-256-cbc -salt -pbkdf2 -iter N -md sha256} writes,
 * plus what pgvault records beside it to check key and content before trusting either.
 *
 * @param cipher           always {@code aes-256-cbc}
 * @param kdf              always {@code pbkdf2-hmac-sha256}: 48 bytes of PBKDF2 output are key (32) and IV (16)
 * @param iterations       PBKDF2 iteration count; openssl's {@code -iter}, not stored in the object itself
 * @param salt             hex of the 8 salt bytes also stored in the object's header; null if not recorded
 * @param keyCheck         hex of a value derived from the key (see {@link OpensslKeys}): tells a wrong passphrase
 *                         apart from a damaged object before anything is decrypted; null if not recorded
 * @param mac              {@code hmac-sha256}, over the whole stored object (encrypt-then-MAC); null if no MAC recorded
 * @param macKeyDerivation {@code hkdf-sha256}: the MAC key is derived from the key and IV (see {@link OpensslKeys});
 *                         null if no MAC recorded
 * @param hmac             hex of the HMAC-SHA256 of the stored object; null if not recorded (then tampering
 *                         cannot be detected, only a damaged padding)
 * @param encryptedBytes   length of the stored object; null if not recorded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OpensslParameters(
        String cipher,
        String kdf,
        int iterations,
        String salt,
        String keyCheck,
        String mac,
        String macKeyDerivation,
        String hmac,
        Long encryptedBytes) implements EncryptionParameters {

    public static final String MODE = "openssl";
    public static final String CIPHER = "aes-256-cbc";
    public static final String KDF = "pbkdf2-hmac-sha256";
    public static final String MAC = "hmac-sha256";
    public static final String MAC_KEY_DERIVATION = "hkdf-sha256";
    /** Far above any sensible setting; bounds the work a tampered manifest can make a restore do. */
    public static final int MAX_ITERATIONS = 20_000_000;

    public OpensslParameters {
        require(CIPHER, cipher, "cipher");
        require(KDF, kdf, "kdf");
        if (hmac != null || mac != null || macKeyDerivation != null) {
            require(MAC, mac, "mac");
            require(MAC_KEY_DERIVATION, macKeyDerivation, "macKeyDerivation");
        }
        if (iterations < 1 || iterations > MAX_ITERATIONS) {
            throw new InvalidRequestException(
                    "openssl iterations must be between 1 and " + MAX_ITERATIONS + ", got " + iterations);
        }
    }

    /** What pgvault records for an object it wrote. */
    static OpensslParameters recorded(int iterations, String salt, String keyCheck, String hmac, long encryptedBytes) {
        return new OpensslParameters(CIPHER, KDF, iterations, salt, keyCheck, MAC, MAC_KEY_DERIVATION, hmac, encryptedBytes);
    }

    /**
     * For an object some other {@code openssl enc -aes-256-cbc -pbkdf2 -iter N} wrote, with no manifest:
     * it can be decrypted, but neither a wrong passphrase nor tampering can be told for sure.
     */
    public static OpensslParameters unrecorded(int iterations) {
        return new OpensslParameters(CIPHER, KDF, iterations, null, null, null, null, null, null);
    }

    @Override
    public String mode() {
        return MODE;
    }

    private static void require(String expected, String actual, String field) {
        if (!expected.equals(actual)) {
            throw new InvalidRequestException("openssl-mode " + field + " '" + actual
                    + "' is not supported; this version reads only '" + expected + "'");
        }
    }
}
