package dev.pgvault.dump;

import dev.pgvault.archive.ContentHash;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Streams a table's rows out with {@code COPY ... TO STDOUT} (text format, exactly what
 * {@code COPY ... FROM stdin} reads back), one row at a time, hashing and counting each.
 * Memory is one row, whatever the table's size.
 */
public final class TableCopier {
    /** Told every {@value #REPORT_EVERY} rows and at the end of each table. */
    public interface RowListener {
        void rows(long rowsSoFar, long bytesSoFar);

        RowListener NONE = (rows, bytes) -> {};
    }

    static final int REPORT_EVERY = 10_000;

    private TableCopier() {}

    /** Copies {@code copyOutSql}'s rows into {@code out} (may be null to only hash). */
    public static ContentHash copy(Connection connection, String copyOutSql, OutputStream out, RowListener listener)
            throws SQLException, IOException {
        ContentHash hash = new ContentHash();
        CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(copyOutSql);
        long bytes = 0;
        try {
            byte[] row;
            while ((row = copy.readFromCopy()) != null) {
                hash.addRow(row, 0, row.length);
                bytes += row.length;
                if (out != null) {
                    out.write(row);
                }
                if (hash.rows() % REPORT_EVERY == 0) {
                    listener.rows(hash.rows(), bytes);
                }
            }
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        listener.rows(hash.rows(), bytes);
        return hash;
    }
}
