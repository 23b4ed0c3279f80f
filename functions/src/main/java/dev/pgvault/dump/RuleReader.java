package dev.pgvault.dump;

import java.sql.SQLException;

/** Rewrite rules other than a view's own (_RETURN), as pg_get_ruledef writes them, with their enabled state. */
final class RuleReader {
    private RuleReader() {}

    static void read(Catalog catalog) throws SQLException {
        catalog.query("SELECT r.oid, r.ev_class, quote_ident(r.rulename), pg_catalog.pg_get_ruledef(r.oid), r.ev_enabled"
                + " FROM pg_catalog.pg_rewrite r WHERE r.ev_class = ANY(?::pg_catalog.oid[]) AND r.rulename <> '_RETURN'"
                + " ORDER BY r.ev_class, r.rulename", rs -> {
                    Relation table = catalog.relations.get(rs.getLong(2));
                    String name = rs.getString(3);
                    String definition = rs.getString(4).strip();
                    StringBuilder sql = new StringBuilder(definition.endsWith(";") ? definition : definition + ";")
                            .append("\n");
                    String state = switch (rs.getString(5)) {
                        case "D" -> "DISABLE";
                        case "R" -> "ENABLE REPLICA";
                        case "A" -> "ENABLE ALWAYS";
                        default -> null;
                    };
                    if (state != null) {
                        sql.append("ALTER TABLE ").append(table.qualified()).append(' ').append(state).append(" RULE ")
                                .append(name).append(";\n");
                    }
                    long oid = rs.getLong(1);
                    DumpItem item = DumpItem.ddl(new ObjectRef("pg_rewrite", oid), ItemKind.RULE,
                            "rule " + name + " on " + table.qualified(), table.sortName() + " " + name, sql.toString());
                    catalog.add(item);
                    item.dependOn(catalog.item(ObjectRef.relation(table.oid())));
                    catalog.commentOn("pg_rewrite", oid, 0, item, "RULE " + name + " ON " + table.qualified());
                }, catalog.relationOids('r', 'p', 'v', 'm'));
    }
}
