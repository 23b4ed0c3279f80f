package dev.pgvault.dump;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts a dump's table data into chunks for parallel workers: a table larger than the chunk size
 * becomes several page ranges, read by TID range scans (PostgreSQL 14 and newer; before that,
 * whole tables only, as a ctid condition would scan the whole table for every range). Sizes are
 * {@code pg_relation_size} of the table plus its TOAST table, what reading it costs, never
 * {@code relpages}, which is only as fresh as the last VACUUM or ANALYZE.
 */
final class ChunkPlanner {
    static final int TID_RANGE_SCAN_VERSION = 140000;
    static final long MIN_AUTO_CHUNK = 16L << 20;
    static final long MAX_AUTO_CHUNK = 512L << 20;

    private ChunkPlanner() {}

    /** What the server says about a table's storage. */
    record Size(long mainBytes, long toastBytes, int blockSize, boolean heap) {
        long bytes() {
            return mainBytes + toastBytes;
        }

        long pages() {
            return mainBytes / blockSize;
        }
    }

    /**
     * The chunks of {@code tables}, in their order (a table's chunks in page order).
     *
     * @param chunkBytes the size to cut at; 0 for automatic: about four chunks per job over the
     *                   whole dump, between 16 and 512 MiB
     */
    static List<CopyChunk> plan(Connection connection, List<TableData> tables, int serverVersionNum, int jobs,
                                long chunkBytes) throws SQLException {
        Map<Long, Size> sizes = sizes(connection, tables);
        long total = sizes.values().stream().mapToLong(Size::bytes).sum();
        long cut = chunkBytes > 0 ? chunkBytes
                : Math.max(MIN_AUTO_CHUNK, Math.min(MAX_AUTO_CHUNK, total / Math.max(1, 4L * jobs)));
        boolean ranges = serverVersionNum >= TID_RANGE_SCAN_VERSION;
        List<CopyChunk> chunks = new ArrayList<>();
        for (TableData table : tables) {
            Size size = sizes.get(table.oid());
            if (!ranges || size == null || !size.heap() || !table.wholeTable() || size.bytes() <= cut
                    || size.pages() < 2) {
                chunks.add(CopyChunk.whole(table));
                continue;
            }
            int parts = (int) Math.min(size.pages(), (size.bytes() + cut - 1) / cut);
            long step = (size.pages() + parts - 1) / parts;
            parts = (int) ((size.pages() + step - 1) / step);
            for (int part = 0; part < parts; part++) {
                long from = part * step;
                long to = part == parts - 1 ? -1 : (part + 1) * step; // the last range is open: nothing escapes
                chunks.add(CopyChunk.pages(table, from, to, part, parts));
            }
        }
        return chunks;
    }

    private static Map<Long, Size> sizes(Connection connection, List<TableData> tables) throws SQLException {
        Map<Long, Size> sizes = new HashMap<>();
        if (tables.isEmpty()) {
            return sizes;
        }
        Long[] oids = tables.stream().map(TableData::oid).toArray(Long[]::new);
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT c.oid, pg_catalog.pg_relation_size(c.oid),"
                        + " COALESCE(pg_catalog.pg_relation_size(NULLIF(c.reltoastrelid, 0)), 0),"
                        + " pg_catalog.current_setting('block_size')::int,"
                        + " c.relkind = 'r' AND COALESCE(a.amname = 'heap', false)"
                        + " FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_am a ON a.oid = c.relam"
                        + " WHERE c.oid = ANY (?::pg_catalog.oid[])")) {
            Array array = connection.createArrayOf("int8", oids);
            st.setArray(1, array);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    sizes.put(rs.getLong(1), new Size(rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getBoolean(5)));
                }
            }
        }
        return sizes;
    }
}
