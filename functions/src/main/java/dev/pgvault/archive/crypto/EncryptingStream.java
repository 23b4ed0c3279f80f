package dev.pgvault.archive.crypto;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Plaintext goes in, the encrypted object goes out to the sink, in one pass with a fixed-size buffer.
 * {@link #close()} finishes the cipher and closes the sink; only then are the
 * {@link #parameters()} known (the MAC and the length cover the whole object). Closing twice is harmless.
 */
public abstract class EncryptingStream extends OutputStream {
    private boolean closed;
    private EncryptionParameters parameters;

    /** Finishes the cipher, writes the rest of the object, closes the sink; returns what the manifest records. */
    protected abstract EncryptionParameters finish() throws IOException;

    protected final void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("encrypting stream is closed");
        }
    }

    @Override
    public final void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public final void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        parameters = finish();
    }

    /** How the object was encrypted, for the manifest; available once {@link #close()} has succeeded. */
    public final EncryptionParameters parameters() {
        if (parameters == null) {
            throw new IllegalStateException("encryption parameters are known only after the stream closed without error");
        }
        return parameters;
    }
}
