package dev.pgvault.archive.crypto;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Counts the encrypted bytes written, for the length the manifest records. */
final class CountingOutputStream extends FilterOutputStream {
    private long count;

    CountingOutputStream(OutputStream sink) {
        super(sink);
    }

    @Override
    public void write(int b) throws IOException {
        out.write(b);
        count++;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
        // FilterOutputStream would write byte by byte.
        out.write(buffer, offset, length);
        count += length;
    }

    long count() {
        return count;
    }
}
