package dev.pgvault.archive;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The write side of the backup pipeline, in one pass and without a temporary file:
 * <pre>
 *   SQL --(thread boundary)--> compress --> [encrypt] --> SHA-256 + count --> destination
 * </pre>
 * {@link #finish()} flushes and closes every stage but leaves the destination open: making
 * the object visible (or not) is the caller's decision, taken only after the dump succeeded.
 */
public final class BackupStream {
    private static final int HANDOFF_BLOCK = 256 << 10;
    private static final int HANDOFF_BLOCKS = 8;

    private final CountingOutputStream raw;
    private final HandoffOutputStream handoff;
    private final CountingOutputStream stored;
    private final MessageDigest sha256;
    private Totals totals;

    /** What went through the pipeline. */
    public record Totals(long rawBytes, long storedBytes, String sha256) {}

    /** A stage that wraps the stream of compressed bytes (encryption); closing it must close its sink. */
    @FunctionalInterface
    public interface Layer {
        OutputStream wrap(OutputStream sink) throws IOException;

        Layer NONE = sink -> sink;
    }

    private BackupStream(OutputStream destination, Compression compression, int level, Layer encryption)
            throws IOException {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        stored = new CountingOutputStream(new DigestOutputStream(new Unclosable(destination), sha256));
        OutputStream compressed = compression.compress(encryption.wrap(stored), level);
        handoff = new HandoffOutputStream(compressed, HANDOFF_BLOCK, HANDOFF_BLOCKS, "backup-compress");
        raw = new CountingOutputStream(handoff);
    }

    public static BackupStream open(OutputStream destination, Compression compression, int level, Layer encryption)
            throws IOException {
        return new BackupStream(destination, compression, level, encryption);
    }

    /** Where the SQL goes. */
    public OutputStream sql() {
        return raw;
    }

    public Totals finish() throws IOException {
        if (totals == null) {
            raw.close();
            totals = new Totals(raw.count(), stored.count(), HexFormat.of().formatHex(sha256.digest()));
        }
        return totals;
    }

    /** Abandons the stream after a failure; the caller aborts the destination. */
    public void abort() {
        handoff.abort();
    }

    /** Keeps the pipeline's close() from closing (and so committing or aborting) the destination. */
    private static final class Unclosable extends FilterOutputStream {
        Unclosable(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
