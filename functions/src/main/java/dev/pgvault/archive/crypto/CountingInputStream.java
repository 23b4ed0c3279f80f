package dev.pgvault.archive.crypto;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the stored bytes read and remembers whether the end was reached or the store failed, so a
 * decoder's complaint can be turned into the right verdict: an object that ended early is truncated,
 * one that failed to parse before its end was altered, and a store read error is neither.
 */
final class CountingInputStream extends FilterInputStream {
    private long count;
    private boolean reachedEnd;
    private IOException storeFailure;

    CountingInputStream(InputStream stored) {
        super(stored);
    }

    @Override
    public int read() throws IOException {
        int b = guarded(() -> super.read());
        if (b < 0) {
            reachedEnd = true;
        } else {
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = guarded(() -> super.read(buffer, offset, length));
        if (n < 0) {
            reachedEnd = true;
        } else {
            count += n;
        }
        return n;
    }

    /** Reads what is skipped, so that it is counted and the store's failures are seen like any read's. */
    @Override
    public long skip(long n) throws IOException {
        byte[] discard = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        long skipped = 0;
        while (skipped < n) {
            int read = read(discard, 0, (int) Math.min(discard.length, n - skipped));
            if (read < 0) {
                break;
            }
            skipped += read;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    long count() {
        return count;
    }

    boolean reachedEnd() {
        return reachedEnd;
    }

    /** The store's own read failure, if any; decoders wrap it, and it must not be mistaken for damage. */
    IOException storeFailure() {
        return storeFailure;
    }

    private int guarded(IoCall call) throws IOException {
        try {
            return call.run();
        } catch (IOException e) {
            storeFailure = e;
            throw e;
        }
    }

    private interface IoCall {
        int run() throws IOException;
    }
}
