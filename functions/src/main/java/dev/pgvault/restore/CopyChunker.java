package dev.pgvault.restore;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Cuts one table's COPY data, as the script reader passes it on (each write a whole line or a
 * piece of one, a line's last piece ending in its newline), into chunks of whole lines that the
 * {@link LoadPool} loads side by side, each as a COPY of its own. In COPY's text format a newline
 * always ends a row (a newline inside a value is written {@code \n}), so any line boundary is a
 * row boundary.
 *
 * <p>A single line longer than a chunk (a large bytea or text value) is not held in memory: it is
 * streamed through the reader's own connection, in that connection's transaction, which the
 * script's applier commits after the table.
 */
final class CopyChunker extends OutputStream {
    private final LoadPool pool;
    private final LoadPool.TableLoad load;
    private final String copySql;
    private final int statementLine;
    private final int copyDataLine;
    private final Connection own;
    private byte[] buffer;
    private int filled;
    /** Bytes of whole lines at the start of the buffer. */
    private int wholeLines;
    private long linesInBuffer;
    /** Lines of this table handed out (or streamed) before the buffer's first. */
    private long linesBefore;
    private CopyIn streaming;

    /**
     * @param statementLine the script line of the COPY statement
     * @param copyDataLine  the script line before the COPY's first data line
     * @param own           the reader's connection, for a line longer than a chunk
     */
    CopyChunker(LoadPool pool, LoadPool.TableLoad load, String copySql, int statementLine, int copyDataLine,
                Connection own) {
        this.pool = pool;
        this.load = load;
        this.copySql = copySql;
        this.statementLine = statementLine;
        this.copyDataLine = copyDataLine;
        this.own = own;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        if (length == 0) {
            return;
        }
        if (streaming != null) {
            stream(bytes, offset, length);
            return;
        }
        while (true) {
            if (buffer == null) {
                buffer = pool.buffer();
            }
            if (length <= buffer.length - filled) {
                System.arraycopy(bytes, offset, buffer, filled, length);
                filled += length;
                if (buffer[filled - 1] == '\n') {
                    wholeLines = filled;
                    linesInBuffer++;
                }
                return;
            }
            if (wholeLines > 0) {
                byte[] next = pool.buffer();
                int partial = filled - wholeLines;
                System.arraycopy(buffer, wholeLines, next, 0, partial);
                handOut(wholeLines);
                buffer = next;
                filled = partial;
                continue;
            }
            // One line fills the whole buffer: stream it, from its first byte, through our own connection.
            try {
                streaming = own.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql);
                streaming.writeToCopy(buffer, 0, filled);
            } catch (SQLException e) {
                throw new CopyFailedException(e, origin());
            }
            pool.release(buffer);
            buffer = null;
            filled = 0;
            stream(bytes, offset, length);
            return;
        }
    }

    /** The end of the table's data: hands out the last chunk and tells the pool no more are coming. */
    @Override
    public void close() throws IOException {
        if (streaming != null) {
            endStream();
        }
        if (buffer != null && filled > 0) {
            handOut(filled);
        } else if (buffer != null) {
            pool.release(buffer);
        }
        buffer = null;
        pool.sealed(load);
    }

    /** After a failure: ends a line still streaming without loading it, gives the buffer back. */
    void abort() {
        if (streaming != null && streaming.isActive()) {
            try {
                streaming.cancelCopy();
            } catch (SQLException ignored) {
                // the failure being reported is the one that matters
            }
        }
        streaming = null;
        if (buffer != null) {
            pool.release(buffer);
            buffer = null;
        }
    }

    private void stream(byte[] bytes, int offset, int length) throws IOException {
        try {
            streaming.writeToCopy(bytes, offset, length);
        } catch (SQLException e) {
            throw new CopyFailedException(e, origin());
        }
        if (bytes[offset + length - 1] == '\n') {
            endStream();
        }
    }

    private void endStream() throws IOException {
        try {
            load.add(streaming.endCopy());
        } catch (SQLException e) {
            throw new CopyFailedException(e, origin());
        } finally {
            streaming = null;
        }
        linesBefore++;
    }

    private void handOut(int length) {
        pool.chunk(load, copySql, buffer, length, origin());
        linesBefore += linesInBuffer;
        linesInBuffer = 0;
        wholeLines = 0;
        buffer = null;
        filled = 0;
    }

    private LoadPool.Origin origin() {
        return new LoadPool.Origin(copySql, statementLine, copyDataLine, linesBefore);
    }

    /** A failure of the line streamed through the reader's own connection, with where it came from. */
    static final class CopyFailedException extends IOException {
        final transient SQLException error;
        final transient LoadPool.Origin origin;

        CopyFailedException(SQLException error, LoadPool.Origin origin) {
            super(error.getMessage(), error);
            this.error = error;
            this.origin = origin;
        }
    }
}
