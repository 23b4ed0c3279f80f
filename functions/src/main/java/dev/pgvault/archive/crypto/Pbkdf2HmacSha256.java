package dev.pgvault.archive.crypto;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * PBKDF2 with HMAC-SHA256 (RFC 8018 section 5.2) over raw passphrase bytes.
 *
 * <p>The JDK's {@code PBKDF2WithHmacSHA256} takes the password as {@code char[]} and encodes it
 * itself; openssl feeds the bytes of the key file as they are, which need not be valid UTF-8. To
 * derive exactly what openssl derives from any key file, this works on bytes, using the JDK's HMAC
 * (hardware SHA-256 where the CPU has it).
 */
final class Pbkdf2HmacSha256 {
    private static final int BLOCK = 32;

    private Pbkdf2HmacSha256() {
    }

    static byte[] derive(byte[] passphrase, byte[] salt, int iterations, int length) {
        if (iterations < 1 || length < 1) {
            throw new IllegalArgumentException("iterations and length must be positive");
        }
        try {
            Mac prf = Mac.getInstance("HmacSHA256");
            prf.init(new SecretKeySpec(passphrase, "HmacSHA256"));
            byte[] derived = new byte[length];
            byte[] u = new byte[BLOCK];
            byte[] t = new byte[BLOCK];
            for (int block = 1, offset = 0; offset < length; block++, offset += BLOCK) {
                // U1 = PRF(P, S || INT(i)); T = U1 ^ U2 ^ ... ^ Uc with Uj = PRF(P, Uj-1)
                prf.update(salt);
                prf.update(ByteBuffer.allocate(4).putInt(block).array());
                prf.doFinal(u, 0);
                System.arraycopy(u, 0, t, 0, BLOCK);
                for (int j = 1; j < iterations; j++) {
                    prf.update(u);
                    prf.doFinal(u, 0);
                    for (int k = 0; k < BLOCK; k++) {
                        t[k] ^= u[k];
                    }
                }
                System.arraycopy(t, 0, derived, offset, Math.min(BLOCK, length - offset));
            }
            return derived;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks HmacSHA256", e);
        }
    }
}
