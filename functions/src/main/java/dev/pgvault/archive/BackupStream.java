package dev.pgvault.archive;

import dev.pgvault.archive.crypto.EncryptingStream;
import dev.pgvault.archive.crypto.EncryptionParameters;
import dev.pgvault.archive.crypto.Encryptor;
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
 *   SQL --(thread boundary)--> compress --> encrypt (or not) --> SHA-256 + count --> destination
 * </pre>
 * With several cores the compressor runs its own threads (parallel deflate, zstd workers) and
 * the writer hands it bytes directly; on one core a thread boundary still lets the dump read
 * rows while the previous block is compressed.
 * {@link #finish()} flushes and closes every stage but leaves the destination open: making
 * the object visible (or not) is the caller's decision, taken only after the dump succeeded.
 */
public final class BackupStream {
    private static final int HANDOFF_BLOCK = 256 << 10;
    private static final int HANDOFF_BLOCKS = 8;

    private final CountingOutputStream raw;
    private final HandoffOutputStream handoff; // null when the compressor has threads of its own
    private final OutputStream compressed;
    private final CountingOutputStream stored;
    private final MessageDigest sha256;
    private Totals totals;

    /** What went through the pipeline, and the encryption's public parameters for the manifest. */
    public record Totals(long rawBytes, long storedBytes, String sha256, EncryptionParameters encryption) {}

    private final EncryptingStream encrypted;

    private BackupStream(OutputStream destination, Compression compression, int level, Encryptor encryptor,
            int threads) throws IOException {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        stored = new CountingOutputStream(new DigestOutputStream(new Unclosable(destination), sha256));
        encrypted = encryptor.encrypt(stored);
        // No compression for content that is compressed already (a git bundle's pack): no hand-off either.
        compressed = compression == null ? encrypted : compression.compress(encrypted, level, threads);
        handoff = compression == null || Compression.compressesInBackground(threads) ? null
                : new HandoffOutputStream(compressed, HANDOFF_BLOCK, HANDOFF_BLOCKS, "backup-compress");
        raw = new CountingOutputStream(handoff == null ? compressed : handoff);
    }

    /** Compresses on the cores available to this process. */
    public static BackupStream open(OutputStream destination, Compression compression, int level, Encryptor encryptor)
            throws IOException {
        return open(destination, compression, level, encryptor, Runtime.getRuntime().availableProcessors());
    }

    /** Compresses on {@code threads} threads (the share of the machine this run may use). */
    public static BackupStream open(OutputStream destination, Compression compression, int level, Encryptor encryptor,
            int threads) throws IOException {
        return new BackupStream(destination, compression, level, encryptor, threads);
    }

    /** The same pipeline without the compressor, for content that is compressed already. */
    public static BackupStream openUncompressed(OutputStream destination, Encryptor encryptor) throws IOException {
        return new BackupStream(destination, null, 0, encryptor, 1);
    }

    /** Where the SQL goes. */
    public OutputStream sql() {
        return raw;
    }

    public Totals finish() throws IOException {
        if (totals == null) {
            raw.close();
            totals = new Totals(raw.count(), stored.count(), HexFormat.of().formatHex(sha256.digest()),
                    encrypted.parameters());
        }
        return totals;
    }

    /** Abandons the stream after a failure; the caller aborts the destination. */
    public void abort() {
        if (handoff != null) {
            handoff.abort();
        } else if (compressed instanceof ParallelGzipOutputStream parallel) {
            parallel.abort();
        } else {
            try {
                compressed.close(); // frees zstd's native context; what it writes is discarded with the rest
            } catch (IOException | RuntimeException ignored) {
                // the destination is being aborted anyway
            }
        }
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
