package dev.pgvault.dump;

import dev.pgvault.archive.ContentHash;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The rows of one chunk on their way from the worker that reads them to the one thread that writes
 * the dump: blocks through a small bounded queue. The writer drains the chunk it has reached while
 * it is read; a worker ahead of the writer fills its queue and then waits (and its COPY with it),
 * so memory is {@code blocks x blockSize} per worker whatever the table's size.
 */
final class ChunkBuffer {
    static final int BLOCK = 256 << 10;
    static final int BLOCKS = 16;
    private static final long POLL_MILLIS = 100;

    /** What the queue carries: rows, the end with the chunk's hash, or the worker's failure. */
    private sealed interface Entry permits Rows, End, Failed {}

    private record Rows(byte[] data, int length) implements Entry {}

    private record End(ContentHash hash) implements Entry {}

    private record Failed(Throwable cause) implements Entry {}

    final CopyChunk chunk;
    private final BlockingQueue<Entry> queue = new ArrayBlockingQueue<>(BLOCKS);
    private final BooleanSupplier stopped;

    ChunkBuffer(CopyChunk chunk, BooleanSupplier stopped) {
        this.chunk = chunk;
        this.stopped = stopped;
    }

    /** Where the worker writes the chunk's rows. */
    OutputStream rows() {
        return new OutputStream() {
            private byte[] block = new byte[BLOCK];
            private int filled;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                while (len > 0) {
                    int n = Math.min(len, block.length - filled);
                    System.arraycopy(b, off, block, filled, n);
                    filled += n;
                    off += n;
                    len -= n;
                    if (filled == block.length) {
                        flush();
                    }
                }
            }

            @Override
            public void flush() throws IOException {
                if (filled > 0) {
                    put(new Rows(block, filled));
                    block = new byte[BLOCK];
                    filled = 0;
                }
            }
        };
    }

    /** The worker read the whole chunk: hands over its hash after the last rows (flushed by the caller). */
    void finish(ContentHash hash) throws IOException {
        put(new End(hash));
    }

    /** The worker failed: the writer gets the cause when it reaches this chunk, if nothing stopped it sooner. */
    void fail(Throwable cause) {
        queue.clear(); // makes room; the rows are worthless now
        queue.offer(new Failed(cause));
    }

    /**
     * Writes the chunk's rows to {@code out} as they come and returns its hash. Waits for the worker;
     * gives up when the dump is stopped (another worker failed, the run was cancelled).
     */
    ContentHash drainTo(OutputStream out, Runnable checkStopped) throws IOException {
        while (true) {
            Entry entry;
            try {
                entry = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for rows of " + chunk.table().displayName());
            }
            if (entry == null) {
                checkStopped.run();
                continue;
            }
            switch (entry) {
                case Rows rows -> out.write(rows.data(), 0, rows.length());
                case End end -> {
                    return end.hash();
                }
                case Failed failed -> throw new ChunkFailedException(chunk, failed.cause());
            }
        }
    }

    private void put(Entry entry) throws IOException {
        try {
            while (!queue.offer(entry, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                if (stopped.getAsBoolean()) {
                    throw new InterruptedIOException("the parallel dump stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing rows over");
        }
    }

    /** A worker's failure, as the writer meets it. */
    static final class ChunkFailedException extends RuntimeException {
        ChunkFailedException(CopyChunk chunk, Throwable cause) {
            super("reading " + chunk.table().displayName()
                    + (chunk.parts() > 1 ? " (part " + (chunk.part() + 1) + " of " + chunk.parts() + ")" : "")
                    + " failed: " + cause.getMessage(), cause);
        }
    }
}
