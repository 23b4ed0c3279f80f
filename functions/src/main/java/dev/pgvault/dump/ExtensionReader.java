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
        configuration(catalog);
        // Every member stands for its extension when something else depends on it.
        catalog.query("SELECT d.classid::regclass::text, d.objid, d.refobjid FROM pg_catalog.pg_depend d"
                + " WHERE d.deptype = 'e' AND d.refclassid = 'pg_catalog.pg_extension'::regclass", rs -> {
                    DumpItem extension = catalog.item(new ObjectRef("pg_extension", rs.getLong(3)));
                    if (extension != null) {
                        catalog.alias(new ObjectRef(Catalog.className(rs.getString(1)), rs.getLong(2)),
                                extension);
                    }
                });
    }

    /**
     * The rows users add to an extension's configuration tables (pg_extension_config_dump), as
     * pg_dump dumps them: those the extension's condition selects (all, when it has none), in
     * the data section after the extension is created; and the value of its configuration
     * sequences. The tables themselves come with the extension.
     */
    private static void configuration(Catalog catalog) throws SQLException {
        String sql = "SELECT e.oid, c.oid, c.relkind, n.nspname, c.relname,"
                + " quote_ident(n.nspname) || '.' || quote_ident(c.relname), coalesce(u.condition, ''),"
                + " ARRAY(SELECT quote_ident(a.attname) FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid"
                + "   AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum)"
                + " FROM pg_catalog.pg_extension e,"
                + " LATERAL unnest(e.extconfig, e.extcondition) AS u(config, condition)"
                + " JOIN pg_catalog.pg_class c ON c.oid = u.config"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE e.extconfig IS NOT NULL ORDER BY n.nspname, c.relname";
        catalog.query(sql, rs -> {
            DumpItem extension = catalog.item(new ObjectRef("pg_extension", rs.getLong(1)));
            if (extension == null) {
                return;
            }
            long oid = rs.getLong(2);
            String qualified = rs.getString(6);
            String sortName = rs.getString(4) + "\u0000" + rs.getString(5);
            if (rs.getString(3).equals("S")) {
                try (java.sql.Statement st = catalog.connection.createStatement();
                        java.sql.ResultSet value = st.executeQuery("SELECT last_value, is_called FROM " + qualified)) {
                    value.next();
                    DumpItem set = DumpItem.ddl(new ObjectRef("sequence_set", oid), ItemKind.SEQUENCE_SET,
                            "value of configuration sequence " + qualified, sortName,
                            "SELECT pg_catalog.setval(" + SqlText.literal(qualified) + ", " + value.getLong(1) + ", "
                                    + value.getBoolean(2) + ");\n");
                    catalog.add(set);
                    set.dependOn(extension);
                }
                return;
            }
            java.util.List<String> columns = new java.util.ArrayList<>();
            for (Object column : (Object[]) rs.getArray(8).getArray()) {
                columns.add((String) column);
            }
            TableData data = new TableData(oid, rs.getString(4), rs.getString(5), qualified, columns, rs.getString(7));
            DumpItem item = DumpItem.tableData(new ObjectRef("table_data", oid),
                    "data of configuration table " + qualified, sortName, data);
            catalog.add(item);
            item.dependOn(extension);
        });
    }
}
