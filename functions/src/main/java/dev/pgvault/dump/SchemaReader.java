package dev.pgvault.dump;

import java.sql.SQLException;

/** Schemas. "public" exists in every new database: it is not created, only commented and owned. */
final class SchemaReader {
    private SchemaReader() {}

    static void read(Catalog catalog) throws SQLException {
        String sql = "SELECT n.oid, n.nspname, quote_ident(n.nspname),"
                + " EXISTS (SELECT 1 FROM pg_catalog.pg_description d WHERE d.objoid = n.oid"
                + "   AND d.classoid = 'pg_catalog.pg_namespace'::regclass)"
                + " FROM pg_catalog.pg_namespace n"
                + " WHERE " + Catalog.USER_SCHEMA + " AND " + UnsupportedObjects.notInExtension("pg_namespace", "n.oid")
                + " ORDER BY n.nspname";
        catalog.query(sql, rs -> {
            long oid = rs.getLong(1);
            String name = rs.getString(2);
            String quoted = rs.getString(3);
            String ddl = "CREATE SCHEMA " + quoted + ";\n";
            if (name.equals("public")) {
                // A new database's public schema has a comment; one the source removed stays removed.
                ddl = rs.getBoolean(4) ? "" : "COMMENT ON SCHEMA public IS NULL;\n";
            }
            DumpItem item = DumpItem.ddl(ObjectRef.namespace(oid), ItemKind.SCHEMA, "schema " + name, name, ddl);
            catalog.add(item);
            catalog.schemas.put(oid, item);
            catalog.commentOn("pg_namespace", oid, 0, item, "SCHEMA " + quoted);
            catalog.owned(ObjectRef.namespace(oid), item, "SCHEMA " + quoted, "SCHEMA " + quoted);
        });
    }
}
