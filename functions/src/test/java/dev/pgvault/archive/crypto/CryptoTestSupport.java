package dev.pgvault.archive.crypto;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small helpers shared by the mode tests. */
final class CryptoTestSupport {
    private CryptoTestSupport() {
    }

    record Encrypted(byte[] stored, EncryptionParameters parameters) {
    }

    static Encrypted encrypt(Encryptor encryptor, byte[] plaintext) throws IOException {
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        EncryptingStream stream = encryptor.encrypt(stored);
        // Odd-sized writes, as a compressor makes them.
        for (int offset = 0; offset < plaintext.length; offset += 7919) {
            stream.write(plaintext, offset, Math.min(7919, plaintext.length - offset));
        }
        stream.close();
        return new Encrypted(stored.toByteArray(), stream.parameters());
    }

    static Encrypted encryptToFile(Encryptor encryptor, byte[] plaintext, Path file) throws IOException {
        Encrypted encrypted = encrypt(encryptor, plaintext);
        Files.write(file, encrypted.stored());
        return encrypted;
    }

    static byte[] decrypt(Decryptor decryptor, byte[] stored, EncryptionParameters parameters) throws IOException {
        try (DecryptingStream plaintext = decryptor.decrypt(new ByteArrayInputStream(stored), parameters)) {
            return plaintext.readAllBytes();
        }
    }

    static byte[] flipped(byte[] stored, int position) {
        byte[] copy = stored.clone();
        copy[position] ^= 0x01;
        return copy;
    }

    static byte[] truncated(byte[] stored, int length) {
        byte[] copy = new byte[length];
        System.arraycopy(stored, 0, copy, 0, length);
        return copy;
    }

    /** A sink that only counts, for streams too big to keep. */
    static final class CountingSink extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) {
            count += length;
        }
    }
}
