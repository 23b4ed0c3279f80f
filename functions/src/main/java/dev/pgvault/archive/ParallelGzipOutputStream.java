package dev.pgvault.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip on several cores, as pigz does: the input is cut into blocks that worker threads
 * deflate at the same time, each primed with the 32 KiB before it as a preset dictionary and
 * ended with a sync flush, so the blocks join into one ordinary deflate stream in one gzip
 * member. Any gunzip reads it; the ratio is within a fraction of a percent of plain gzip.
 *
 * <p>Memory is bounded: at most {@code 2 x threads} blocks are in flight. Compressed blocks
 * are written to the sink in order, on the writing thread.
 */
public final class ParallelGzipOutputStream extends OutputStream {
    static final int DICTIONARY = 32 * 1024;
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};

    private final OutputStream sink;
    private final int level;
    private final int blockSize;
    private final int maxInFlight;
    private final ExecutorService workers;
    private final Deque<Future<byte[]>> inFlight = new ArrayDeque<>();
    private final CRC32 crc = new CRC32();
    private byte[] block;
    private int filled;
    private byte[] dictionary;
    private long length;
    private boolean closed;

    public ParallelGzipOutputStream(OutputStream sink, int level, int threads, int blockSize) throws IOException {
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("gzip level must be 1..9, got " + level);
        }
        this.sink = sink;
        this.level = level;
        this.blockSize = blockSize;
        this.maxInFlight = 2 * threads;
        this.workers = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "gzip-block");
            thread.setDaemon(true);
            return thread;
        });
        this.block = new byte[blockSize];
        sink.write(HEADER);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        crc.update(b, off, len);
        length += len;
        while (len > 0) {
            int n = Math.min(len, blockSize - filled);
            System.arraycopy(b, off, block, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == blockSize) {
                submit(false);
            }
        }
    }

    /** Compressed output is written as blocks complete; flush() does not cut a block short. */
    @Override
    public void flush() throws IOException {
        sink.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            submit(true);
            while (!inFlight.isEmpty()) {
                writeOldest();
            }
            byte[] trailer = new byte[8];
            putIntLE(trailer, 0, (int) crc.getValue());
            putIntLE(trailer, 4, (int) length); // ISIZE is the length modulo 2^32
            sink.write(trailer);
            sink.close();
        } finally {
            closed = true;
            workers.shutdownNow();
        }
    }

    /** Stops the workers without writing the rest (the caller discards everything). */
    public void abort() {
        closed = true;
        inFlight.clear();
        workers.shutdownNow();
    }

    private void submit(boolean last) throws IOException {
        byte[] data = block;
        int size = filled;
        byte[] preset = dictionary;
        if (!last) {
            dictionary = Arrays.copyOfRange(data, Math.max(0, size - DICTIONARY), size);
            block = new byte[blockSize];
            filled = 0;
        }
        while (inFlight.size() >= maxInFlight) {
            writeOldest();
        }
        inFlight.add(workers.submit(() -> deflate(data, size, preset, last)));
    }

    private byte[] deflate(byte[] data, int size, byte[] preset, boolean last) {
        Deflater deflater = new Deflater(level, true);
        try {
            if (preset != null) {
                deflater.setDictionary(preset);
            }
            deflater.setInput(data, 0, size);
            ByteArrayOutputStream out = new ByteArrayOutputStream(size / 2 + 64);
            byte[] buffer = new byte[64 * 1024];
            if (last) {
                deflater.finish();
                while (!deflater.finished()) {
                    out.write(buffer, 0, deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH));
                }
            } else {
                int n;
                do {
                    n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
                    out.write(buffer, 0, n);
                } while (n == buffer.length || !deflater.needsInput());
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private void writeOldest() throws IOException {
        try {
            sink.write(inFlight.poll().get());
        } catch (ExecutionException e) {
            throw new IOException("compression failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while compressing");
        }
    }

    private static void putIntLE(byte[] target, int offset, int value) {
        target[offset] = (byte) value;
        target[offset + 1] = (byte) (value >>> 8);
        target[offset + 2] = (byte) (value >>> 16);
        target[offset + 3] = (byte) (value >>> 24);
    }
}
