package dev.pgvault.dump;

import java.sql.SQLException;

/** The tables, partitioned tables, foreign tables, views, materialized views and sequences to dump (not extension members). */
final class RelationReader {
    private RelationReader() {}

    static void read(Catalog catalog) throws SQLException {
        String sql = "SELECT c.oid, c.relnamespace, n.nspname, c.relname,"
                + " quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind, c.relpersistence,"
                + " coalesce(array_to_string(c.reloptions, ', '), ''),"
                + " coalesce((SELECT string_agg('toast.' || o, ', ') FROM unnest(tc.reloptions) o), ''),"
                + " c.relreplident, c.relispartition,"
                + " CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END,"
                + " CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END,"
                + " c.relrowsecurity, c.relforcerowsecurity, c.relispopulated, c.relhassubclass,"
                + " CASE WHEN c.reloftype <> 0 THEN pg_catalog.format_type(c.reloftype, NULL) END,"
                + " CASE WHEN c.relkind IN ('r', 'p', 'm') AND am.amname <> 'heap' THEN quote_ident(am.amname) END,"
                + " CASE WHEN c.reltablespace <> 0 THEN quote_ident(ts.spcname) END"
                + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_catalog.pg_class tc ON tc.oid = c.reltoastrelid"
                + " LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam"
                + " LEFT JOIN pg_catalog.pg_tablespace ts ON ts.oid = c.reltablespace"
                + " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND " + Catalog.USER_SCHEMA
                + " AND " + UnsupportedObjects.notInExtension("pg_class", "c.oid")
                + " ORDER BY n.nspname, c.relname";
        catalog.query(sql, rs -> {
            Relation relation = new Relation(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                    rs.getString(5), rs.getString(6).charAt(0), rs.getString(7).charAt(0), rs.getString(8),
                    rs.getString(9), rs.getString(10).charAt(0), rs.getBoolean(11), rs.getString(12),
                    rs.getString(13), rs.getBoolean(14), rs.getBoolean(15), rs.getBoolean(16), rs.getBoolean(17),
                    rs.getString(18), rs.getString(19), catalog.options.tablespaces() ? rs.getString(20) : null);
            catalog.relations.put(relation.oid(), relation);
        });
    }
}
