package dev.pgvault.restore;

import dev.pgvault.errors.RestoreFailedException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.postgresql.PGConnection;

/**
 * Connections of a parallel restore into a new database, each with a thread, running the work
 * the script's reader hands out: chunks of table data and post-data statements
 * ({@link ParallelStatement}). Work is queued in script order and starts in that order, except
 * that a piece starts early when it conflicts ({@link ParallelStatement#conflictsWith}) neither
 * with what runs nor with anything queued before it ({@link #dispatch}), so the script's
 * dependency order holds between everything that shares a table. The reader waits for everything
 * before a statement that runs alone on its own connection.
 *
 * <p>Each piece of work commits on its own (the restore's database is dropped if anything fails).
 * A worker runs it with the session settings the script had set when it was handed out (search
 * path, row security, default tablespace, ...), replaying them when they changed. The first
 * failure stops the handing out; the reader learns of it at its next call, and closing the pool
 * cancels what still runs.
 *
 * <p>Besides the script's work, a connection that would otherwise wait takes background work: the
 * comparison of a table whose data is all in with the manifest ({@link #afterLoad}), started only
 * while the reader's connection holds nothing uncommitted and never beside conflicting work.
 *
 * <p>Chunk buffers come from a fixed set ({@link #buffer()}), which bounds memory to
 * {@code (connections + 1) x chunk size} and makes the reader wait while every buffer is queued.
 */
final class LoadPool implements AutoCloseable {
    /** Bytes of COPY data a chunk holds: large enough that a COPY's round trip does not count. */
    static final int DEFAULT_CHUNK_BYTES = 4 << 20;
    private static final String DEADLOCK = "40P01";
    /** Queued work the reader may run ahead by before it waits (post-data statements are small). */
    private static final int MAX_WAITING = 1_000;
    private static final String UNDEFINED_PARAMETER = "42704";

    /** What a piece of work does on a worker's connection; returns the rows it loaded. */
    @FunctionalInterface
    interface Work {
        long run(Connection connection) throws SQLException;
    }

    /**
     * Where a failed piece of work came from in the script.
     *
     * @param copyDataLine for a chunk of COPY data, the script line before the COPY's first data line; else -1
     * @param rowsBefore   for a chunk, the table's data lines before the chunk's first
     */
    record Origin(String sql, int line, int copyDataLine, long rowsBefore) {
        static Origin statement(String sql, int line) {
            return new Origin(sql, line, -1, 0);
        }
    }

    /** The first failure of a piece of work: the reader's next call throws it. */
    static final class WorkFailedException extends RuntimeException {
        final transient SQLException error;
        final transient Origin origin;

        WorkFailedException(SQLException error, Origin origin) {
            super(error.getMessage(), error);
            this.error = error;
            this.origin = origin;
        }
    }

    /** One table's data, loaded in chunks: told to the reader once the last chunk is in. */
    static final class TableLoad {
        /** The table as {@link ParallelStatement} names tables, for conflicts. */
        final String table;
        /** The table as the progress tells it. */
        final String label;
        private long rows;
        private int outstanding;
        private boolean sealed;

        TableLoad(String table, String label) {
            this.table = table;
            this.label = label;
        }

        synchronized long rows() {
            return rows;
        }

        /** Rows loaded outside the pool (a line longer than a chunk, through the reader's connection). */
        synchronized void add(long loaded) {
            rows += loaded;
        }
    }

    private final List<Connection> connections;
    private final List<Thread> threads = new ArrayList<>();
    private final Object lock = new Object();
    private final List<Task> active = new ArrayList<>();
    /** Work the reader queued that has not started: it starts in order, or earlier when nothing conflicts ({@link #dispatch}). */
    private final ArrayDeque<Task> waiting = new ArrayDeque<>();
    /** Work started, for a worker to take. */
    private final ArrayDeque<Task> handedOut = new ArrayDeque<>();
    private final ArrayBlockingQueue<byte[]> freeBuffers;
    private final ConcurrentLinkedQueue<TableLoad> loaded = new ConcurrentLinkedQueue<>();
    /** The script's session settings so far, by parameter: each piece of work carries a snapshot. */
    private final Map<String, String> settings = new LinkedHashMap<>();
    private List<String> settingsSnapshot = List.of();
    private int idle;
    private WorkFailedException failure;
    private boolean closed;

    /** Work that may run whenever a connection is free and nothing conflicts: a loaded table's comparison. */
    private final ArrayDeque<Task> background = new ArrayDeque<>();
    private Function<TableLoad, Work> afterLoad = load -> null;
    /**
     * Whether the reader's connection may hold locks not yet committed: background work does not
     * start then, for the reader could come to wait for it (at its next {@link #awaitIdle}) while it
     * waits for the reader's locks, and would not see the reader's rows.
     */
    private boolean readerUncommitted = true;
    /** The reader waits for everything to end: background work does not start meanwhile. */
    private boolean draining;

    /**
     * @param settings the script's settings to run it with; null for background work, which
     *                 resets the session after itself
     */
    private record Task(ParallelStatement statement, Work work, Origin origin, List<String> settings,
                        byte[] buffer, TableLoad load) {
        boolean inBackground() {
            return settings == null;
        }
    }

    /** Starts a worker on each connection (autocommit is switched on); chunks of {@code chunkBytes}. */
    LoadPool(List<Connection> connections, int chunkBytes) throws SQLException {
        this.connections = List.copyOf(connections);
        this.freeBuffers = new ArrayBlockingQueue<>(connections.size() + 1);
        for (int i = 0; i <= connections.size(); i++) {
            freeBuffers.add(new byte[chunkBytes]);
        }
        for (Connection connection : this.connections) {
            connection.setAutoCommit(true);
        }
        idle = this.connections.size();
        for (int i = 0; i < this.connections.size(); i++) {
            Connection connection = this.connections.get(i);
            Thread thread = new Thread(() -> work(connection), "pgvault-restore-" + (i + 1));
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    /**
     * Work to do once a table's data is all in (its comparison with the manifest), or null: run by
     * a connection that would otherwise wait, beside the script's own work, never beside work on
     * the same table that would conflict (see {@link ParallelStatement.Kind#READ}). What has not
     * run by the end is dropped by {@link #dropBackground}.
     */
    void afterLoad(Function<TableLoad, Work> work) {
        this.afterLoad = work;
    }

    /** The reader's connection has committed: background work may start. */
    void readerCommitted() {
        synchronized (lock) {
            readerUncommitted = false;
            lock.notifyAll();
        }
    }

    /** The reader's connection is about to run something: no background work starts until it commits. */
    void readerBusy() {
        synchronized (lock) {
            readerUncommitted = true;
        }
    }

    /** Drops the background work not yet started; call once idle. */
    void dropBackground() {
        synchronized (lock) {
            background.clear();
        }
    }

    /** A session setting the script made ({@code SET ...}, {@code set_config(..., false)}), for the work handed out after it. */
    void setting(String parameter, String statement) {
        settings.remove(parameter);
        settings.put(parameter, statement);
        settingsSnapshot = List.copyOf(settings.values());
    }

    /** An empty chunk buffer, waiting while all are in use; throws a worker's failure. */
    byte[] buffer() {
        try {
            while (true) {
                throwIfFailed();
                byte[] buffer = freeBuffers.poll(100, TimeUnit.MILLISECONDS);
                if (buffer != null) {
                    return buffer;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestoreFailedException("the restore was interrupted");
        }
    }

    /** Gives back a buffer that was not handed out with a chunk. */
    void release(byte[] buffer) {
        freeBuffers.offer(buffer);
    }

    /**
     * Starts a table's load: chunks handed out with it count towards it until {@link #sealed}.
     *
     * @param table the table as {@link ParallelStatement#copyTarget} names it
     * @param label the table as the progress tells it
     */
    TableLoad startTable(String table, String label) {
        return new TableLoad(table, label);
    }

    /** Hands out a chunk: {@code length} bytes of whole COPY data lines in {@code buffer}, which returns to the pool after. */
    void chunk(TableLoad load, String copySql, byte[] buffer, int length, Origin origin) {
        synchronized (load) {
            load.outstanding++;
        }
        Work work = connection -> {
            org.postgresql.copy.CopyIn copy = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
            try {
                copy.writeToCopy(buffer, 0, length);
                return copy.endCopy();
            } finally {
                if (copy.isActive()) {
                    copy.cancelCopy();
                }
            }
        };
        submit(new Task(ParallelStatement.data(load.table), work, origin, settingsSnapshot, buffer, load));
    }

    /** No more chunks for this table: it is told as loaded once those handed out are in. */
    void sealed(TableLoad load) {
        boolean complete;
        synchronized (load) {
            load.sealed = true;
            complete = load.outstanding == 0;
        }
        if (complete) {
            loaded(load);
        }
    }

    private void loaded(TableLoad load) {
        loaded.add(load);
        Work work = afterLoad.apply(load);
        if (work != null) {
            synchronized (lock) {
                background.add(new Task(new ParallelStatement(ParallelStatement.Kind.READ, Set.of(load.table)),
                        work, Origin.statement("", 0), null, null, null));
                lock.notifyAll();
            }
        }
    }

    /** Hands out a post-data statement, waiting for a free connection and for conflicting work to end. */
    void statement(ParallelStatement statement, String sql, int line) {
        submit(new Task(statement, connection -> {
            try (Statement st = connection.createStatement()) {
                st.setEscapeProcessing(false);
                st.execute(sql);
            }
            return 0;
        }, Origin.statement(sql, line), settingsSnapshot, null, null));
    }

    /** What {@link #map} does with one item on a worker's connection. */
    @FunctionalInterface
    interface ItemWork<T, R> {
        R run(Connection connection, T item) throws SQLException, IOException;
    }

    /** Runs independent pieces of work, one per item, on the pool's connections; their results in the items' order. */
    <T, R> List<R> map(List<T> items, ItemWork<T, R> action) {
        List<R> results = new ArrayList<>(Collections.nCopies(items.size(), null));
        ParallelStatement independent = new ParallelStatement(ParallelStatement.Kind.INDEX, Set.of());
        for (int i = 0; i < items.size(); i++) {
            int index = i;
            submit(new Task(independent, connection -> {
                try {
                    R result = action.run(connection, items.get(index));
                    synchronized (results) {
                        results.set(index, result);
                    }
                } catch (IOException e) {
                    throw new SQLException(e.getMessage(), e);
                }
                return 0;
            }, Origin.statement("", 0), settingsSnapshot, null, null));
        }
        awaitIdle();
        synchronized (results) {
            return Collections.unmodifiableList(new ArrayList<>(results));
        }
    }

    /** Waits until everything handed out is done; throws the first failure. */
    void awaitIdle() {
        synchronized (lock) {
            draining = true;
            try {
                while (failure == null && !(active.isEmpty() && waiting.isEmpty())) {
                    waitOn();
                }
            } finally {
                draining = false;
            }
            throwIfFailed();
        }
    }

    /** Tables whose every chunk is in, each once, to the caller's thread. */
    void drainLoaded(BiConsumer<String, Long> told) {
        TableLoad load;
        while ((load = loaded.poll()) != null) {
            told.accept(load.label, load.rows());
        }
    }

    /** Queues {@code task} behind the work handed out before it, waiting only while the queue is full. */
    private void submit(Task task) {
        synchronized (lock) {
            while (true) {
                throwIfFailed();
                if (waiting.size() < MAX_WAITING) {
                    break;
                }
                waitOn();
            }
            waiting.add(task);
            dispatch();
        }
    }

    /**
     * Starts queued work on free connections, in order, except that a piece may start before
     * earlier ones still waiting when it conflicts neither with them nor with what runs: an index
     * build on one table does not wait behind a primary key of another that waits for a third's
     * index to finish, while a foreign key still starts only after the unique index it references
     * (they share a table). Called with the lock held, whenever work is queued or ends.
     */
    private void dispatch() {
        List<Task> passed = new ArrayList<>();
        for (Iterator<Task> i = waiting.iterator(); i.hasNext() && idle > 0; ) {
            Task task = i.next();
            if (conflicts(task, active) || conflicts(task, passed)) {
                passed.add(task);
                continue;
            }
            i.remove();
            idle--;
            active.add(task);
            handedOut.add(task);
        }
        lock.notifyAll();
    }

    private static boolean conflicts(Task task, Iterable<Task> others) {
        for (Task other : others) {
            if (other.statement().conflictsWith(task.statement())) {
                return true;
            }
        }
        return false;
    }

    private void waitOn() {
        try {
            lock.wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestoreFailedException("the restore was interrupted");
        }
    }

    private void throwIfFailed() {
        synchronized (lock) {
            if (failure != null) {
                throw failure;
            }
        }
    }

    private void work(Connection connection) {
        List<String> applied = List.of();
        while (true) {
            Task task;
            synchronized (lock) {
                while (true) {
                    if (!handedOut.isEmpty()) {
                        task = handedOut.poll();
                        break;
                    }
                    if (closed) {
                        return;
                    }
                    task = startableBackground();
                    if (task != null) {
                        idle--;
                        active.add(task);
                        break;
                    }
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            WorkFailedException failed = null;
            long rows = 0;
            try {
                if (task.inBackground()) {
                    applied = null; // the script's settings again for the next piece of the script's work
                    rows = inBackground(connection, task.work());
                } else {
                    if (applied != task.settings()) {
                        apply(connection, task.settings());
                        applied = task.settings();
                    }
                    rows = runRetryingDeadlock(connection, task.work());
                }
            } catch (SQLException e) {
                failed = new WorkFailedException(e, task.origin());
            } catch (RuntimeException e) {
                failed = new WorkFailedException(new SQLException(e.getMessage(), e), task.origin());
            }
            finish(task, rows, failed);
        }
    }

    /** The first background work that conflicts with nothing running, taken off the queue; null if none. */
    private Task startableBackground() {
        if (readerUncommitted || draining) {
            return null;
        }
        for (Iterator<Task> i = background.iterator(); i.hasNext(); ) {
            Task candidate = i.next();
            if (!conflicts(candidate, active) && !conflicts(candidate, waiting)) {
                i.remove();
                return candidate;
            }
        }
        return null;
    }

    /** Background work sets what it needs; the session is reset after it, for the script's settings to be made again. */
    private static long inBackground(Connection connection, Work work) throws SQLException {
        try {
            return work.run(connection);
        } finally {
            try (Statement st = connection.createStatement()) {
                st.execute("RESET ALL");
            }
        }
    }

    /** Two constraints of a partitioned table may lock partitions in different orders; the server picks one to fail. */
    private static long runRetryingDeadlock(Connection connection, Work work) throws SQLException {
        try {
            return work.run(connection);
        } catch (SQLException e) {
            if (!DEADLOCK.equals(e.getSQLState())) {
                throw e;
            }
            return work.run(connection);
        }
    }

    private void finish(Task task, long rows, WorkFailedException failed) {
        if (task.buffer() != null) {
            freeBuffers.offer(task.buffer());
        }
        if (task.load() != null && failed == null) {
            TableLoad load = task.load();
            boolean complete;
            synchronized (load) {
                load.rows += rows;
                load.outstanding--;
                complete = load.sealed && load.outstanding == 0;
            }
            if (complete) {
                loaded(load);
            }
        }
        synchronized (lock) {
            if (failed != null && failure == null) {
                failure = failed;
            }
            active.remove(task);
            idle++;
            if (failure == null) {
                dispatch();
            }
            lock.notifyAll();
        }
    }

    /** The script's settings on a worker's session; a parameter this server does not know cannot matter to it. */
    private static void apply(Connection connection, List<String> settings) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.setEscapeProcessing(false);
            for (String setting : settings) {
                try {
                    st.execute(setting);
                } catch (SQLException e) {
                    if (!UNDEFINED_PARAMETER.equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        }
    }

    /** Stops the workers: what still runs (after a failure) is cancelled; then the connections are closed. */
    @Override
    public void close() {
        List<Task> running;
        synchronized (lock) {
            closed = true;
            handedOut.clear();
            waiting.clear();
            running = List.copyOf(active);
            lock.notifyAll();
        }
        if (!running.isEmpty()) {
            for (Connection connection : connections) {
                try {
                    connection.unwrap(PGConnection.class).cancelQuery();
                } catch (SQLException ignored) {
                    // closing it below ends its work too
                }
            }
        }
        for (Thread thread : threads) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Connection connection : connections) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // the database is dropped or verified next; a failed close changes neither
            }
        }
    }
}
