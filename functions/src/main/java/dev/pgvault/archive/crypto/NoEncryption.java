package dev.pgvault.archive.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** The "none" mode: bytes pass through unchanged, so the pipeline has one path whatever the mode. */
final class NoEncryption implements Encryptor, Decryptor {
    static final NoEncryption INSTANCE = new NoEncryption();

    private NoEncryption() {
    }

    @Override
    public String mode() {
        return NoEncryptionParameters.MODE;
    }

    @Override
    public String keySuffix() {
        return "";
    }

    @Override
    public EncryptingStream encrypt(OutputStream sink) {
        return new EncryptingStream() {
            @Override
            public void write(byte[] buffer, int offset, int length) throws IOException {
                ensureOpen();
                sink.write(buffer, offset, length);
            }

            @Override
            public void flush() throws IOException {
                sink.flush();
            }

            @Override
            protected EncryptionParameters finish() throws IOException {
                sink.close();
                return new NoEncryptionParameters();
            }
        };
    }

    @Override
    public DecryptingStream decrypt(InputStream stored, EncryptionParameters recorded) {
        Decryptors.requireMode(NoEncryptionParameters.class, recorded, mode());
        return plaintextOf(stored);
    }

    /** An unencrypted object as a {@link DecryptingStream}: nothing to check here (the pipeline's SHA-256 does). */
    static DecryptingStream plaintextOf(InputStream stored) {
        return new DecryptingStream() {
            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return stored.read(buffer, offset, length);
            }

            @Override
            public void close() throws IOException {
                stored.close();
            }
        };
    }
}
