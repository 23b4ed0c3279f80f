package dev.pgvault.archive;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A thread boundary in a stream: bytes written here are handed, in fixed-size blocks through a
 * bounded queue, to a worker thread that writes them downstream. The dump (reading rows from
 * the server) and the compression then run on two cores at once, with memory bounded by
 * {@code blocks x blockSize} whatever the stream's length. A failure downstream surfaces at
 * the writer's next write or at close.
 */
public final class HandoffOutputStream extends OutputStream {
    private static final byte[] END = new byte[0];

    private final OutputStream downstream;
    private final BlockingQueue<Block> full;
    private final BlockingQueue<byte[]> free;
    private final Thread worker;
    private volatile Throwable failure;
    private byte[] current;
    private int filled;
    private boolean closed;

    private record Block(byte[] data, int length) {}

    public HandoffOutputStream(OutputStream downstream, int blockSize, int blocks, String threadName) {
        this.downstream = downstream;
        this.full = new ArrayBlockingQueue<>(blocks + 1);
        this.free = new ArrayBlockingQueue<>(blocks);
        for (int i = 0; i < blocks; i++) {
            free.add(new byte[blockSize]);
        }
        this.worker = new Thread(this::drain, threadName);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    private void drain() {
        try {
            while (true) {
                Block block = full.take();
                if (block.data() == END) {
                    downstream.close();
                    return;
                }
                downstream.write(block.data(), 0, block.length());
                free.put(block.data());
            }
        } catch (Throwable t) {
            failure = t;
            full.clear();
        }
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
        while (len > 0) {
            if (current == null) {
                current = take(free);
                filled = 0;
            }
            int n = Math.min(len, current.length - filled);
            System.arraycopy(b, off, current, filled, n);
            filled += n;
            off += n;
            len -= n;
            if (filled == current.length) {
                hand(new Block(current, filled));
                current = null;
            }
        }
    }

    @Override
    public void flush() throws IOException {
        rethrow();
    }

    /** Hands over what is left, waits for the worker to write and close downstream, reports its failure. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (current != null && filled > 0) {
            hand(new Block(current, filled));
        }
        current = null;
        hand(new Block(END, 0));
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while finishing the stream");
        }
        rethrow();
    }

    /** Stops the worker without finishing downstream (the caller discards everything). */
    public void abort() {
        closed = true;
        worker.interrupt();
    }

    private void hand(Block block) throws IOException {
        try {
            while (!full.offer(block, 100, TimeUnit.MILLISECONDS)) {
                rethrow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while handing data downstream");
        }
        rethrow();
    }

    private byte[] take(BlockingQueue<byte[]> queue) throws IOException {
        try {
            byte[] block;
            while ((block = queue.poll(100, TimeUnit.MILLISECONDS)) == null) {
                rethrow();
            }
            return block;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for buffer space");
        }
    }

    private void rethrow() throws IOException {
        Throwable t = failure;
        if (t == null) {
            return;
        }
        if (t instanceof IOException io) {
            throw new IOException(io.getMessage(), io);
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        throw new IOException(t.getMessage(), t);
    }
}
