package dev.pgvault.dump;

import java.sql.SQLException;
import java.util.List;

/**
 * Views and materialized views, as pg_get_viewdef renders them. A materialized view is
 * created empty ({@code WITH NO DATA}) with the definitions and filled by
 * {@code REFRESH MATERIALIZED VIEW} at the end of post-data, once every table holds its rows
 * and every index exists; one the source never populated stays unpopulated.
 */
final class ViewReader {
    private ViewReader() {}

    static void read(Catalog catalog) throws SQLException {
        catalog.query("SELECT c.oid, pg_catalog.pg_get_viewdef(c.oid) FROM pg_catalog.pg_class c"
                + " WHERE c.oid = ANY(?::pg_catalog.oid[])", rs -> {
                    Relation view = catalog.relations.get(rs.getLong(1));
                    String definition = rs.getString(2).strip();
                    if (definition.endsWith(";")) {
                        definition = definition.substring(0, definition.length() - 1);
                    }
                    add(catalog, view, definition);
                }, catalog.relationOids('v', 'm'));
        // A view's _RETURN rule is the view itself.
        catalog.query("SELECT r.oid, r.ev_class FROM pg_catalog.pg_rewrite r"
                + " WHERE r.ev_class = ANY(?::pg_catalog.oid[]) AND r.rulename = '_RETURN'",
                rs -> catalog.alias(new ObjectRef("pg_rewrite", rs.getLong(1)),
                        catalog.item(ObjectRef.relation(rs.getLong(2)))),
                catalog.relationOids('v', 'm'));
    }

    private static void add(Catalog catalog, Relation view, String definition) {
        boolean materialized = view.kind() == 'm';
        String allOptions = materialized && !view.toastOptions().isEmpty()
                ? (view.options().isEmpty() ? "" : view.options() + ", ") + view.toastOptions() : view.options();
        String options = allOptions.isEmpty() ? "" : " WITH (" + allOptions + ")";
        StringBuilder ddl = new StringBuilder("CREATE ").append(materialized ? "MATERIALIZED VIEW " : "VIEW ")
                .append(view.qualified())
                .append(view.accessMethod() != null ? " USING " + view.accessMethod() : "").append(options)
                .append(view.tablespace() != null ? " TABLESPACE " + view.tablespace() : "")
                .append(" AS\n").append(definition)
                .append(materialized ? "\n  WITH NO DATA" : "").append(";\n");
        List<Column> columns = catalog.columns.getOrDefault(view.oid(), List.of());
        for (Column column : columns) {
            if (materialized) {
                columnSettings(ddl, view, column);
            }
            if (column.defaultExpr() != null) {
                // A default on a view column applies to INSERTs through it.
                ddl.append("ALTER VIEW ").append(view.qualified()).append(" ALTER COLUMN ")
                        .append(column.quotedName()).append(" SET DEFAULT ").append(column.defaultExpr()).append(";\n");
            }
        }
        DumpItem create = DumpItem.ddl(ObjectRef.relation(view.oid()),
                materialized ? ItemKind.MATERIALIZED_VIEW : ItemKind.VIEW,
                (materialized ? "materialized view " : "view ") + view.qualified(), view.sortName(), ddl.toString());
        catalog.add(create);
        catalog.inSchema(create, view.namespace());
        catalog.commentOn("pg_class", view.oid(), 0, create, view.keyword() + " " + view.qualified());
        catalog.owned(ObjectRef.relation(view.oid()), create, view.keyword() + " " + view.qualified(),
                "TABLE " + view.qualified());
        for (Column column : columns) {
            catalog.commentOn("pg_class", view.oid(), column.number(), create,
                    "COLUMN " + view.qualified() + "." + column.quotedName());
            if (column.defaultOid() != 0) {
                catalog.alias(ObjectRef.attrdef(column.defaultOid()), create);
            }
        }
        if (materialized && view.populated()) {
            DumpItem refresh = DumpItem.ddl(new ObjectRef("refresh", view.oid()), ItemKind.REFRESH_MATERIALIZED_VIEW,
                    "refresh of materialized view " + view.qualified(), view.sortName(),
                    "REFRESH MATERIALIZED VIEW " + view.qualified() + ";\n");
            catalog.add(refresh);
            refresh.dependOn(create);
        }
    }

    /** What a materialized view's column keeps besides its name and type: statistics, storage, compression, options. */
    private static void columnSettings(StringBuilder ddl, Relation view, Column column) {
        String alter = "ALTER MATERIALIZED VIEW " + view.qualified() + " ALTER COLUMN " + column.quotedName();
        if (column.statistics() != null) {
            ddl.append(alter).append(" SET STATISTICS ").append(column.statistics()).append(";\n");
        }
        if (column.storage() != column.typeStorage()) {
            ddl.append(alter).append(" SET STORAGE ").append(TableDefinition.storageName(column.storage())).append(";\n");
        }
        if (column.compression() != 0) {
            ddl.append(alter).append(" SET COMPRESSION ").append(column.compression() == 'l' ? "lz4" : "pglz")
                    .append(";\n");
        }
        if (!column.options().isEmpty()) {
            ddl.append(alter).append(" SET (").append(column.options()).append(");\n");
        }
    }
}
