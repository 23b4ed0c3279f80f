package dev.pgvault.archive.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;

/**
 * Writes what {@code openssl enc -aes-256-cbc -salt -pbkdf2 -iter N -md sha256} writes, so that
 * {@code openssl enc -d -aes-256-cbc -pbkdf2 -iter N -md sha256 -pass file:KEYFILE} opens it, and
 * records an HMAC-SHA256 of the whole object (encrypt-then-MAC) for the restore to check.
 * A fresh random salt per object gives every backup its own key and IV.
 */
final class OpensslEncryptor implements Encryptor {
    private final Passphrase passphrase;
    private final int iterations;
    private final SecureRandom random;

    OpensslEncryptor(Passphrase passphrase, int iterations, SecureRandom random) {
        // Validates the count the same way a manifest's is validated on the way back.
        OpensslParameters.unrecorded(iterations);
        this.passphrase = passphrase;
        this.iterations = iterations;
        this.random = random;
    }

    @Override
    public String mode() {
        return OpensslParameters.MODE;
    }

    @Override
    public String keySuffix() {
        return ".enc";
    }

    @Override
    public EncryptingStream encrypt(OutputStream sink) throws IOException {
        byte[] salt = new byte[OpensslKeys.SALT_BYTES];
        random.nextBytes(salt);
        OpensslKeys keys = OpensslKeys.derive(passphrase, salt, iterations);
        return new Stream(sink, salt, keys);
    }

    private final class Stream extends EncryptingStream {
        private final OutputStream sink;
        private final byte[] salt;
        private final byte[] keyCheck;
        private final Cipher cipher;
        private final Mac mac;
        private final byte[] encrypted = new byte[OpensslFormat.CHUNK_BYTES + OpensslFormat.BLOCK_BYTES];
        private long written;

        Stream(OutputStream sink, byte[] salt, OpensslKeys keys) throws IOException {
            this.sink = sink;
            this.salt = salt;
            this.keyCheck = keys.keyCheck();
            this.cipher = OpensslFormat.cipher(Cipher.ENCRYPT_MODE, keys);
            this.mac = keys.newMac();
            emit(OpensslFormat.MAGIC, 0, OpensslFormat.MAGIC.length);
            emit(salt, 0, salt.length);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            ensureOpen();
            while (length > 0) {
                int chunk = Math.min(length, OpensslFormat.CHUNK_BYTES);
                int n;
                try {
                    n = cipher.update(buffer, offset, chunk, encrypted, 0);
                } catch (javax.crypto.ShortBufferException e) {
                    throw new IllegalStateException("cipher output buffer too small", e);
                }
                emit(encrypted, 0, n);
                offset += chunk;
                length -= chunk;
            }
        }

        @Override
        protected EncryptionParameters finish() throws IOException {
            byte[] last;
            try {
                last = cipher.doFinal();
            } catch (javax.crypto.IllegalBlockSizeException | javax.crypto.BadPaddingException e) {
                throw new IllegalStateException("AES-CBC with padding refused to finish", e);
            }
            emit(last, 0, last.length);
            sink.close();
            HexFormat hex = HexFormat.of();
            return OpensslParameters.recorded(iterations, hex.formatHex(salt), hex.formatHex(keyCheck),
                    hex.formatHex(mac.doFinal()), written);
        }

        private void emit(byte[] bytes, int offset, int length) throws IOException {
            mac.update(bytes, offset, length);
            sink.write(bytes, offset, length);
            written += length;
        }
    }
}
