package dev.pgvault.dump;

import java.sql.SQLException;
import java.util.ArrayList;

/** The columns of every dumped relation and of user composite types, in column order. */
final class ColumnReader {
    private ColumnReader() {}

    static void read(Catalog catalog) throws SQLException {
        String compression = catalog.atLeast(140000) ? "a.attcompression::text" : "''";
        String sql = "SELECT a.attrelid, a.attnum, a.attname, quote_ident(a.attname),"
                + " pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,"
                + " pg_catalog.pg_get_expr(d.adbin, d.adrelid), coalesce(d.oid, 0), a.attidentity, a.attgenerated,"
                + " CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0"
                + "   THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END,"
                // -1 before 17, NULL from 17: the default either way.
                + " NULLIF(a.attstattarget, -1), a.attstorage, t.typstorage, " + compression + ","
                + " a.attislocal, a.attinhcount, coalesce(array_to_string(a.attoptions, ', '), '')"
                + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
                + " LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation"
                + " LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace"
                + " WHERE (a.attrelid = ANY(?::pg_catalog.oid[]) OR a.attrelid IN ("
                + "   SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + "   WHERE c.relkind = 'c' AND " + Catalog.USER_SCHEMA + "))"
                + " AND a.attnum > 0 AND NOT a.attisdropped"
                + " ORDER BY a.attrelid, a.attnum";
        catalog.query(sql, rs -> {
            int statistics = rs.getInt(12);
            Integer statisticsTarget = rs.wasNull() ? null : statistics;
            Column column = new Column(rs.getLong(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                    rs.getString(5), rs.getBoolean(6), rs.getString(7), rs.getLong(8),
                    Catalog.firstChar(rs.getString(9)), Catalog.firstChar(rs.getString(10)), rs.getString(11),
                    statisticsTarget, rs.getString(13).charAt(0), rs.getString(14).charAt(0),
                    Catalog.firstChar(rs.getString(15)), rs.getBoolean(16), rs.getInt(17), rs.getString(18));
            catalog.columns.computeIfAbsent(column.relation(), k -> new ArrayList<>()).add(column);
        }, catalog.relationOids('r', 'p', 'v', 'm', 'f'));
    }
}
