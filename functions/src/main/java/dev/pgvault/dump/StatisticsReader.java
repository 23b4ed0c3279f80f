package dev.pgvault.dump;

import java.sql.SQLException;

/** Extended statistics objects (CREATE STATISTICS), with their statistics target. */
final class StatisticsReader {
    private StatisticsReader() {}

    static void read(Catalog catalog) throws SQLException {
        catalog.query("SELECT s.oid, quote_ident(n.nspname) || '.' || quote_ident(s.stxname), s.stxrelid,"
                + " pg_catalog.pg_get_statisticsobjdef(s.oid), NULLIF(s.stxstattarget, -1), s.stxnamespace"
                + " FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace"
                + " WHERE s.stxrelid = ANY(?::pg_catalog.oid[]) ORDER BY 2", rs -> {
                    long oid = rs.getLong(1);
                    String name = rs.getString(2);
                    Relation table = catalog.relations.get(rs.getLong(3));
                    StringBuilder sql = new StringBuilder(rs.getString(4)).append(";\n");
                    int target = rs.getInt(5);
                    if (!rs.wasNull()) {
                        sql.append("ALTER STATISTICS ").append(name).append(" SET STATISTICS ").append(target)
                                .append(";\n");
                    }
                    DumpItem item = DumpItem.ddl(new ObjectRef("pg_statistic_ext", oid), ItemKind.STATISTICS,
                            "statistics " + name, name, sql.toString());
                    catalog.add(item);
                    item.dependOn(catalog.item(ObjectRef.relation(table.oid())));
                    catalog.inSchema(item, rs.getLong(6));
                    catalog.commentOn("pg_statistic_ext", oid, 0, item, "STATISTICS " + name);
                    catalog.owned(new ObjectRef("pg_statistic_ext", oid), item, "STATISTICS " + name, null);
                }, catalog.relationOids('r', 'p', 'm', 'f'));
    }
}
