package dev.pgvault.archive;

import dev.pgvault.errors.IntegrityException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Hashes a stored object as it is read and, at {@link #verify()}, checks its size and SHA-256
 * against the manifest. Decompression may stop before the last stored byte, so verify()
 * reads whatever is left first.
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final MessageDigest sha256;
    private final String expectedSha256;
    private final long expectedSize;
    private final String name;
    private long count;

    public VerifyingInputStream(InputStream in, String expectedSha256, long expectedSize, String name) {
        super(in);
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.expectedSha256 = expectedSha256;
        this.expectedSize = expectedSize;
        this.name = name;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            sha256.update((byte) b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            sha256.update(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(n, 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads to the end and throws {@link IntegrityException} unless size and SHA-256 match. */
    public void verify() throws IOException {
        byte[] rest = new byte[1 << 16];
        while (read(rest, 0, rest.length) >= 0) {
            // hashing what decompression did not need
        }
        String actual = HexFormat.of().formatHex(sha256.digest());
        if (count != expectedSize) {
            throw new IntegrityException(name + " is damaged or incomplete: it holds " + count
                    + " bytes, the manifest recorded " + expectedSize + "; nothing was restored");
        }
        if (!actual.equalsIgnoreCase(expectedSha256)) {
            throw new IntegrityException(name + " is damaged or was altered: its SHA-256 is " + actual
                    + ", the manifest recorded " + expectedSha256 + "; nothing was restored");
        }
    }
}
