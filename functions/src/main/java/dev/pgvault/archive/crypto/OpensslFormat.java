package dev.pgvault.archive.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;

/**
 * The layout {@code openssl enc -salt} writes: the 8 ASCII bytes {@code Salted__}, the 8 salt bytes,
 * then the AES-256-CBC ciphertext of the data with PKCS#7 padding. Nothing else: the iteration
 * count and digest are not in the object, which is why the manifest records them.
 */
final class OpensslFormat {
    static final byte[] MAGIC = "Salted__".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER_BYTES = MAGIC.length + OpensslKeys.SALT_BYTES;
    static final int BLOCK_BYTES = 16;
    /** How much is encrypted or decrypted per call: bounds the buffers whatever the backup's size. */
    static final int CHUNK_BYTES = 64 * 1024;

    private OpensslFormat() {
    }

    static Cipher cipher(int mode, OpensslKeys keys) {
        try {
            // PKCS5Padding in the JDK's naming is PKCS#7 on 16-byte blocks, as openssl pads.
            Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
            cipher.init(mode, keys.cipherKey(), new IvParameterSpec(keys.iv()));
            return cipher;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks AES/CBC/PKCS5Padding", e);
        }
    }
}
