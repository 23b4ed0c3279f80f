package dev.pgvault.dump;

/**
 * One unit of a parallel dump's work: a whole table's rows, or the rows of one range of its pages.
 *
 * @param table       the table whose COPY block this chunk's rows go into
 * @param copyOutSql  the COPY ... TO STDOUT that reads them
 * @param part        0-based position of the chunk within its table
 * @param parts       how many chunks the table was split into
 */
record CopyChunk(TableData table, String copyOutSql, int part, int parts) {
    /** The whole table, as a serial dump reads it. */
    static CopyChunk whole(TableData table) {
        return new CopyChunk(table, table.copyOutSql(), 0, 1);
    }

    /**
     * Rows in pages {@code [fromPage, toPage)} of the table ({@code toPage} negative: to the end). A TID
     * range scan (PostgreSQL 14 and newer) reads only those pages, and in page order, so the chunks of
     * a table, concatenated, hold the rows a whole-table COPY returns.
     */
    static CopyChunk pages(TableData table, long fromPage, long toPage, int part, int parts) {
        String where = (fromPage > 0 ? "ctid >= '(" + fromPage + ",0)'::pg_catalog.tid" : "")
                + (fromPage > 0 && toPage >= 0 ? " AND " : "")
                + (toPage >= 0 ? "ctid < '(" + toPage + ",0)'::pg_catalog.tid" : "");
        String columns = table.columns().isEmpty() ? "*" : String.join(", ", table.columns());
        String sql = "COPY (SELECT " + columns + " FROM ONLY " + table.qualifiedName()
                + (where.isEmpty() ? "" : " WHERE " + where) + ") TO STDOUT";
        return new CopyChunk(table, sql, part, parts);
    }
}
