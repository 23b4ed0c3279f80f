package dev.pgvault.dump;

import java.sql.SQLException;

/**
 * Foreign-data wrappers (made without an extension: only a superuser can), foreign servers
 * and user mappings, as pg_dump writes them; and, for {@link TableDefinition}, each foreign
 * table's server and options. User mappings name roles, which must exist where the backup is
 * restored (PUBLIC's need none); their options (passwords too) are read where the dumping role
 * may see them, as pg_dump does.
 */
final class ForeignDataReader {
    private ForeignDataReader() {}

    /** "OPTIONS (a 'x', b 'y')" from an options array, or "" when none. */
    static String options(String column) {
        return "coalesce((SELECT ' OPTIONS (' || string_agg(quote_ident(o.option_name) || ' '"
                + " || quote_literal(o.option_value), ', ') || ')' FROM pg_catalog.pg_options_to_table(" + column
                + ") o), '')";
    }

    static void read(Catalog catalog) throws SQLException {
        catalog.query("SELECT w.oid, quote_ident(w.fdwname),"
                + " CASE WHEN w.fdwhandler <> 0 THEN ' HANDLER ' || w.fdwhandler::pg_catalog.regproc::text ELSE '' END,"
                + " CASE WHEN w.fdwvalidator <> 0 THEN ' VALIDATOR ' || w.fdwvalidator::pg_catalog.regproc::text ELSE '' END,"
                + " " + options("w.fdwoptions") + " FROM pg_catalog.pg_foreign_data_wrapper w"
                + " WHERE " + UnsupportedObjects.notInExtension("pg_foreign_data_wrapper", "w.oid") + " ORDER BY 2", rs -> {
                    String name = rs.getString(2);
                    catalog.addObject(new ObjectRef("pg_foreign_data_wrapper", rs.getLong(1)),
                            ItemKind.FOREIGN_DATA_WRAPPER, "foreign-data wrapper " + name, name,
                            "CREATE FOREIGN DATA WRAPPER " + name + rs.getString(3) + rs.getString(4) + rs.getString(5)
                                    + ";\n", 0, "FOREIGN DATA WRAPPER " + name, "FOREIGN DATA WRAPPER " + name,
                            "FOREIGN DATA WRAPPER " + name);
                });
        catalog.query("SELECT s.oid, quote_ident(s.srvname), quote_ident(w.fdwname),"
                + " CASE WHEN s.srvtype IS NOT NULL THEN ' TYPE ' || quote_literal(s.srvtype) ELSE '' END,"
                + " CASE WHEN s.srvversion IS NOT NULL THEN ' VERSION ' || quote_literal(s.srvversion) ELSE '' END,"
                + " " + options("s.srvoptions") + " FROM pg_catalog.pg_foreign_server s"
                + " JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid = s.srvfdw"
                + " WHERE " + UnsupportedObjects.notInExtension("pg_foreign_server", "s.oid") + " ORDER BY 2", rs -> {
                    String name = rs.getString(2);
                    catalog.addObject(new ObjectRef("pg_foreign_server", rs.getLong(1)), ItemKind.FOREIGN_SERVER,
                            "server " + name, name, "CREATE SERVER " + name + rs.getString(4) + rs.getString(5)
                                    + " FOREIGN DATA WRAPPER " + rs.getString(3) + rs.getString(6) + ";\n", 0,
                            "SERVER " + name, "SERVER " + name, "FOREIGN SERVER " + name);
                });
        catalog.query("SELECT m.umid, m.srvid, quote_ident(m.srvname),"
                + " CASE WHEN m.umuser = 0 THEN 'PUBLIC' ELSE quote_ident(m.usename) END, " + options("m.umoptions")
                + " FROM pg_catalog.pg_user_mappings m"
                + " WHERE " + UnsupportedObjects.notInExtension("pg_foreign_server", "m.srvid") + " ORDER BY 3, 4", rs -> {
                    String what = "FOR " + rs.getString(4) + " SERVER " + rs.getString(3);
                    DumpItem item = catalog.addObject(new ObjectRef("pg_user_mapping", rs.getLong(1)),
                            ItemKind.USER_MAPPING, "user mapping " + what, what,
                            "CREATE USER MAPPING " + what + rs.getString(5) + ";\n", 0, null, null, null);
                    item.dependOn(catalog.item(new ObjectRef("pg_foreign_server", rs.getLong(2))));
                });
        catalog.query("SELECT f.ftrelid, 'SERVER ' || quote_ident(s.srvname) || " + options("f.ftoptions")
                + " FROM pg_catalog.pg_foreign_table f JOIN pg_catalog.pg_foreign_server s ON s.oid = f.ftserver"
                + " WHERE f.ftrelid = ANY(?::pg_catalog.oid[])",
                rs -> catalog.foreignTables.put(rs.getLong(1), rs.getString(2)), catalog.relationOids('f'));
        catalog.query("SELECT a.attrelid || ':' || a.attnum, " + options("a.attfdwoptions").replace(" OPTIONS (", "OPTIONS (")
                + " FROM pg_catalog.pg_attribute a WHERE a.attrelid = ANY(?::pg_catalog.oid[]) AND a.attnum > 0"
                + " AND a.attfdwoptions IS NOT NULL",
                rs -> catalog.foreignColumnOptions.put(rs.getString(1), rs.getString(2)), catalog.relationOids('f'));
    }
}
