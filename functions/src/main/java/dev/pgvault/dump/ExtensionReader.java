package dev.pgvault.dump;

import java.sql.SQLException;

/**
 * Extensions, as {@code CREATE EXTENSION ... WITH SCHEMA ... VERSION ...}: the extension's
 * own script recreates its objects, so none of them is dumped on its own; objects that use
 * one (a column of type hstore) depend on the extension instead. The version is kept so the
 * restore has the same objects; {@code ALTER EXTENSION ... UPDATE} moves it on afterwards.
 */
final class ExtensionReader {
    private ExtensionReader() {}

    static void read(Catalog catalog) throws SQLException {
        // Extensions created by initdb (plpgsql) exist in every database.
        String sql = "SELECT e.oid, e.extname, quote_ident(e.extname), e.extnamespace, quote_ident(n.nspname),"
                + " e.extversion FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace"
                + " WHERE e.oid >= 16384 ORDER BY e.extname";
        catalog.query(sql, rs -> {
            long oid = rs.getLong(1);
            String quoted = rs.getString(3);
            DumpItem item = DumpItem.ddl(new ObjectRef("pg_extension", oid), ItemKind.EXTENSION,
                    "extension " + rs.getString(2), rs.getString(2),
                    "CREATE EXTENSION IF NOT EXISTS " + quoted + " WITH SCHEMA " + rs.getString(5)
                            + " VERSION " + SqlText.literal(rs.getString(6)) + ";\n");
            catalog.add(item);
            catalog.inSchema(item, rs.getLong(4));
            catalog.commentOn("pg_extension", oid, 0, item, "EXTENSION " + quoted);
        });
        // Every member stands for its extension when something else depends on it.
        catalog.query("SELECT d.classid::regclass::text, d.objid, d.refobjid FROM pg_catalog.pg_depend d"
                + " WHERE d.deptype = 'e' AND d.refclassid = 'pg_catalog.pg_extension'::regclass", rs -> {
                    DumpItem extension = catalog.item(new ObjectRef("pg_extension", rs.getLong(3)));
                    if (extension != null) {
                        catalog.alias(new ObjectRef(rs.getString(1).replace("pg_catalog.", ""), rs.getLong(2)),
                                extension);
                    }
                });
    }
}
