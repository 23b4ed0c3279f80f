package dev.pgvault.dump;

import dev.pgvault.archive.ContentHash;
import dev.pgvault.archive.CountingOutputStream;
import dev.pgvault.errors.PgvaultException;
import dev.pgvault.run.ConnectionAbort;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Table data read by several connections at once, all in the dump's one snapshot: each worker
 * imports the snapshot the dump exported ({@code SET TRANSACTION SNAPSHOT}), then takes chunks
 * from one queue in the order the dump writes them. The dump's thread writes each table's chunks,
 * in order, into the table's one COPY block as they arrive, so the output is the same single
 * plain-SQL stream a serial dump writes; each chunk's content hash is added to its table's.
 *
 * <p>Any failure stops everything: the first failure is what the dump reports, the other workers'
 * connections are closed, and the dump (and with it the backup) fails as a whole.
 */
final class ParallelCopy implements AutoCloseable {
    private final List<ChunkBuffer> buffers = new ArrayList<>();
    private final ConcurrentLinkedQueue<ChunkBuffer> work = new ConcurrentLinkedQueue<>();
    private final List<Connection> open = new CopyOnWriteArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final BooleanSupplier cancelled;
    private volatile boolean stopped;
    private int next;

    private ParallelCopy(List<CopyChunk> chunks, BooleanSupplier cancelled) {
        this.cancelled = cancelled;
        for (CopyChunk chunk : chunks) {
            ChunkBuffer buffer = new ChunkBuffer(chunk, () -> stopped);
            buffers.add(buffer);
            work.add(buffer);
        }
    }

    /**
     * Starts {@code jobs} workers (at most one per chunk) that read {@code chunks} in snapshot
     * {@code snapshotId}. {@code cancelled} tells the dump's thread, waiting for rows, that the run
     * was stopped from outside (its own connection closed).
     */
    static ParallelCopy start(WorkerConnections connections, String snapshotId, int jobs, List<CopyChunk> chunks,
                              BooleanSupplier cancelled) {
        if (!snapshotId.matches("[0-9A-Fa-f]+-[0-9A-Fa-f]+(-[0-9]+)?")) {
            throw new IllegalArgumentException("not a snapshot id: " + snapshotId);
        }
        ParallelCopy copy = new ParallelCopy(chunks, cancelled);
        int threads = Math.max(1, Math.min(jobs, chunks.size()));
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(() -> copy.work(connections, snapshotId), "dump-worker-" + (i + 1));
            thread.setDaemon(true);
            copy.workers.add(thread);
            thread.start();
        }
        return copy;
    }

    /**
     * Writes {@code table}'s chunks (the next ones in order) to {@code out} as they are read, and
     * returns the table's content hash: the sum of its chunks', as if read in one go.
     */
    ContentHash copyTable(TableData table, OutputStream out, TableCopier.RowListener listener) throws IOException {
        ContentHash total = new ContentHash();
        long bytes = 0;
        while (next < buffers.size() && buffers.get(next).chunk.table() == table) {
            ChunkBuffer buffer = buffers.get(next++);
            CountingOutputStream counting = new CountingOutputStream(out);
            try {
                total.add(buffer.drainTo(counting, this::checkStopped));
            } catch (ChunkBuffer.ChunkFailedException e) {
                throw failed(e.getCause() == null ? e : e.getCause());
            }
            bytes += counting.count();
            listener.rows(total.rows(), bytes);
        }
        return total;
    }

    private void work(WorkerConnections connections, String snapshotId) {
        ChunkBuffer current = null;
        Connection connection = null;
        try {
            connection = connections.open();
            open.add(connection);
            importSnapshot(connection, snapshotId);
            Set<Long> locked = new HashSet<>();
            while (!stopped && (current = work.poll()) != null) {
                TableData table = current.chunk.table();
                if (locked.add(table.oid())) {
                    lockWithoutWaiting(connection, table);
                }
                OutputStream rows = current.rows();
                ContentHash hash = TableCopier.copy(connection, current.chunk.copyOutSql(), rows,
                        TableCopier.RowListener.NONE);
                rows.flush();
                current.finish(hash);
                current = null;
            }
        } catch (Throwable t) {
            if (failure.compareAndSet(null, t)) {
                stopped = true;
            }
            if (current != null) {
                current.fail(t);
            }
        } finally {
            if (connection != null) {
                closeQuietly(connection);
                open.remove(connection);
            }
        }
    }

    /** The worker's transaction sees exactly what the dump's does. */
    private static void importSnapshot(Connection connection, String snapshotId) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement()) {
            st.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
            st.execute("SET TRANSACTION SNAPSHOT '" + snapshotId + "'");
        }
        SessionSettings.apply(connection);
    }

    /**
     * The dump's own connection holds ACCESS SHARE on every table. A worker asks for the same lock
     * without waiting, as pg_dump's workers do: if another session queued for an exclusive lock in
     * between, waiting would deadlock behind it, so the dump fails at once instead.
     */
    private static void lockWithoutWaiting(Connection connection, TableData table) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("LOCK TABLE " + table.qualifiedName() + " IN ACCESS SHARE MODE NOWAIT");
        } catch (SQLException e) {
            if ("55P03".equals(e.getSQLState())) {
                throw new PgvaultException("a parallel dump worker could not lock " + table.displayName()
                        + ": another session is waiting for an exclusive lock on it (a migration?); nothing was"
                        + " written, run the backup again later or with one connection", e);
            }
            throw e;
        }
    }

    private void checkStopped() {
        Throwable t = failure.get();
        if (t != null) {
            throw failed(t);
        }
        if (cancelled.getAsBoolean()) {
            throw new PgvaultException("the dump was stopped while table data was being read");
        }
    }

    private static RuntimeException failed(Throwable t) {
        if (t instanceof PgvaultException p) {
            return new PgvaultException(p.getMessage(), p);
        }
        if (t instanceof SQLException sql) {
            return new PgvaultException("a parallel dump worker failed: " + DatabaseErrors.describe(sql), sql);
        }
        return new PgvaultException("a parallel dump worker failed: " + t, t);
    }

    /** Stops the workers that are still reading (after a failure) and waits for them. */
    @Override
    public void close() {
        stopped = true;
        for (Connection connection : open) {
            ConnectionAbort.quietly(connection); // wakes a worker blocked on the server
        }
        for (Thread worker : workers) {
            try {
                worker.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException ignored) {
            // nothing was written through it
        }
    }
}
