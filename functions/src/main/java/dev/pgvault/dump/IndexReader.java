package dev.pgvault.dump;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Indexes of every kind (pg_get_indexdef renders method, opclasses, expressions, INCLUDE,
 * predicates, NULLS NOT DISTINCT), with what hangs on them: CLUSTER ON, REPLICA IDENTITY
 * USING INDEX, statistics targets of expression columns, and for partitioned tables the
 * ATTACH PARTITION that joins each partition's index to its parent's, as pg_dump writes it.
 */
final class IndexReader {
    private IndexReader() {}

    private record Index(long oid, Relation table, String name, String qualified, DumpItem item) {}

    static void read(Catalog catalog) throws SQLException {
        Map<Long, Index> indexes = new HashMap<>();
        String sql = "SELECT i.indexrelid, i.indrelid, quote_ident(ic.relname),"
                + " quote_ident(n.nspname) || '.' || quote_ident(ic.relname), pg_catalog.pg_get_indexdef(i.indexrelid),"
                + " i.indisclustered, i.indisvalid, i.indisreplident, ic.relkind,"
                + " (SELECT string_agg(a.attnum || ' ' || a.attstattarget, ',' ORDER BY a.attnum)"
                + "   FROM pg_catalog.pg_attribute a WHERE a.attrelid = i.indexrelid AND a.attstattarget >= 0),"
                + " (SELECT quote_ident(ts.spcname) FROM pg_catalog.pg_tablespace ts WHERE ts.oid = ic.reltablespace)"
                + " FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace"
                + " WHERE i.indrelid = ANY(?::pg_catalog.oid[]) ORDER BY i.indrelid, ic.relname";
        catalog.query(sql, rs -> {
            long oid = rs.getLong(1);
            Relation table = catalog.relations.get(rs.getLong(2));
            String qualified = rs.getString(4);
            DumpItem item = catalog.item(ObjectRef.relation(oid)); // set when a constraint creates it
            if (item == null) {
                if (!rs.getBoolean(7) && rs.getString(9).equals("i")) {
                    return; // an invalid index (failed CREATE INDEX CONCURRENTLY) is not restored, as pg_dump
                }
                item = DumpItem.ddl(ObjectRef.relation(oid), ItemKind.INDEX,
                        "index " + rs.getString(3) + " on " + table.qualified(), table.sortName() + " " + rs.getString(3),
                        inTablespace(catalog, rs.getString(11), rs.getString(5) + ";\n"));
                catalog.add(item);
                item.dependOn(catalog.item(ObjectRef.relation(table.oid())));
            }
            catalog.commentOn("pg_class", oid, 0, item, "INDEX " + qualified);
            indexes.put(oid, new Index(oid, table, rs.getString(3), qualified, item));
            String statistics = rs.getString(10);
            if (statistics != null) {
                for (String column : statistics.split(",")) {
                    String[] parts = column.split(" ");
                    item.appendSql("ALTER INDEX " + qualified + " ALTER COLUMN " + parts[0] + " SET STATISTICS "
                            + parts[1] + ";\n");
                }
            }
            if (rs.getBoolean(6)) {
                after(catalog, "cluster_on", oid, table, item, "clustering of " + table.qualified(),
                        "ALTER TABLE " + table.qualified() + " CLUSTER ON " + rs.getString(3) + ";\n");
            }
            if (rs.getBoolean(8)) {
                after(catalog, "replica_identity", oid, table, item, "replica identity of " + table.qualified(),
                        "ALTER TABLE ONLY " + table.qualified() + " REPLICA IDENTITY USING INDEX " + rs.getString(3)
                                + ";\n");
            }
        }, catalog.relationOids('r', 'p', 'm'));
        attachPartitions(catalog, indexes);
    }

    /** Built in its tablespace (when kept), as pg_dump does: the definition itself does not say. */
    static String inTablespace(Catalog catalog, String tablespace, String sql) {
        if (tablespace == null || !catalog.options.tablespaces()) {
            return sql;
        }
        return "SET default_tablespace = " + tablespace + ";\n" + sql + "SET default_tablespace = '';\n";
    }

    private static void after(Catalog catalog, String what, long index, Relation table, DumpItem indexItem,
                              String label, String sql) {
        DumpItem item = DumpItem.ddl(new ObjectRef(what, index), ItemKind.INDEX_ATTACHMENT, label, table.sortName(),
                sql);
        catalog.add(item);
        item.dependOn(indexItem);
    }

    private static void attachPartitions(Catalog catalog, Map<Long, Index> indexes) throws SQLException {
        if (indexes.isEmpty()) {
            return;
        }
        List<Long> oids = new ArrayList<>(indexes.keySet());
        catalog.query("SELECT i.inhrelid, i.inhparent FROM pg_catalog.pg_inherits i"
                + " WHERE i.inhrelid = ANY(?::pg_catalog.oid[]) ORDER BY 1", rs -> {
                    Index child = indexes.get(rs.getLong(1));
                    Index parent = indexes.get(rs.getLong(2));
                    if (parent == null) {
                        return;
                    }
                    DumpItem attach = DumpItem.ddl(new ObjectRef("attach_index", child.oid()),
                            ItemKind.INDEX_ATTACHMENT, "attachment of index " + child.qualified(),
                            child.table().sortName() + " " + child.name(),
                            "ALTER INDEX " + parent.qualified() + " ATTACH PARTITION " + child.qualified() + ";\n");
                    catalog.add(attach);
                    attach.dependOn(child.item());
                    attach.dependOn(parent.item());
                }, catalog.oids(oids));
    }
}
