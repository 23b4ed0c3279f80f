package dev.pgvault.dump;

import java.sql.SQLException;

/**
 * Row-level security: the ENABLE / FORCE switches and the policies, written at the end of
 * post-data so that nothing the restore does before (loading rows, refreshing materialized
 * views) is filtered by them. Policies name roles: those must exist where the dump is restored.
 */
final class PolicyReader {
    private PolicyReader() {}

    static void read(Catalog catalog) throws SQLException {
        for (Relation table : catalog.relations('r', 'p')) {
            if (!table.rowSecurity() && !table.forceRowSecurity()) {
                continue;
            }
            StringBuilder sql = new StringBuilder();
            if (table.rowSecurity()) {
                sql.append("ALTER TABLE ").append(table.qualified()).append(" ENABLE ROW LEVEL SECURITY;\n");
            }
            if (table.forceRowSecurity()) {
                sql.append("ALTER TABLE ").append(table.qualified()).append(" FORCE ROW LEVEL SECURITY;\n");
            }
            DumpItem item = DumpItem.ddl(new ObjectRef("row_security", table.oid()), ItemKind.ROW_SECURITY,
                    "row-level security on " + table.qualified(), table.sortName(), sql.toString());
            catalog.add(item);
            item.dependOn(catalog.item(ObjectRef.relation(table.oid())));
        }
        String sql = "SELECT p.oid, p.polrelid, quote_ident(p.polname), p.polpermissive, p.polcmd,"
                + " CASE WHEN p.polroles = '{0}' THEN 'PUBLIC' ELSE array_to_string(ARRAY("
                + "   SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(r)) END"
                + "   FROM unnest(p.polroles) WITH ORDINALITY AS u(r, i) ORDER BY i), ', ') END,"
                + " pg_catalog.pg_get_expr(p.polqual, p.polrelid), pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)"
                + " FROM pg_catalog.pg_policy p WHERE p.polrelid = ANY(?::pg_catalog.oid[])"
                + " ORDER BY p.polrelid, p.polname";
        catalog.query(sql, rs -> {
            long oid = rs.getLong(1);
            Relation table = catalog.relations.get(rs.getLong(2));
            String name = rs.getString(3);
            StringBuilder ddl = new StringBuilder("CREATE POLICY ").append(name).append(" ON ").append(table.qualified());
            if (!rs.getBoolean(4)) {
                ddl.append(" AS RESTRICTIVE");
            }
            String command = switch (rs.getString(5)) {
                case "r" -> "SELECT";
                case "a" -> "INSERT";
                case "w" -> "UPDATE";
                case "d" -> "DELETE";
                default -> null;
            };
            if (command != null) {
                ddl.append(" FOR ").append(command);
            }
            if (!rs.getString(6).equals("PUBLIC")) {
                ddl.append(" TO ").append(rs.getString(6));
            }
            if (rs.getString(7) != null) {
                ddl.append(" USING (").append(rs.getString(7)).append(")");
            }
            if (rs.getString(8) != null) {
                ddl.append(" WITH CHECK (").append(rs.getString(8)).append(")");
            }
            DumpItem item = DumpItem.ddl(new ObjectRef("pg_policy", oid), ItemKind.POLICY,
                    "policy " + name + " on " + table.qualified(), table.sortName() + " " + name, ddl + ";\n");
            catalog.add(item);
            item.dependOn(catalog.item(ObjectRef.relation(table.oid())));
            catalog.commentOn("pg_policy", oid, 0, item, "POLICY " + name + " ON " + table.qualified());
        }, catalog.relationOids('r', 'p'));
    }
}
