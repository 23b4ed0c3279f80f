package dev.pgvault.dump;

import java.sql.SQLException;

/**
 * Objects marked as depending on an extension ({@code ALTER ... DEPENDS ON EXTENSION}: dropped
 * with it), and security labels, both written after the object they are about.
 */
final class ExtensionDependencyReader {
    private ExtensionDependencyReader() {}

    static void read(Catalog catalog) throws SQLException {
        catalog.query("SELECT d.classid::regclass::text, d.objid, d.refobjid, quote_ident(e.extname),"
                + " CASE WHEN d.classid = 'pg_catalog.pg_proc'::regclass THEN (SELECT CASE p.prokind WHEN 'p'"
                + "     THEN 'PROCEDURE ' ELSE 'FUNCTION ' END || p.oid::pg_catalog.regprocedure::text"
                + "     FROM pg_catalog.pg_proc p WHERE p.oid = d.objid)"
                + "   WHEN d.classid = 'pg_catalog.pg_trigger'::regclass THEN (SELECT 'TRIGGER ' || quote_ident(t.tgname)"
                + "     || ' ON ' || t.tgrelid::pg_catalog.regclass::text FROM pg_catalog.pg_trigger t WHERE t.oid = d.objid)"
                + "   WHEN d.classid = 'pg_catalog.pg_class'::regclass THEN (SELECT CASE c.relkind WHEN 'm'"
                + "     THEN 'MATERIALIZED VIEW ' ELSE 'INDEX ' END || c.oid::pg_catalog.regclass::text"
                + "     FROM pg_catalog.pg_class c WHERE c.oid = d.objid) END"
                + " FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid"
                + " WHERE d.deptype = 'x' AND d.refclassid = 'pg_catalog.pg_extension'::regclass ORDER BY 5", rs -> {
                    DumpItem object = catalog.item(new ObjectRef(Catalog.className(rs.getString(1)), rs.getLong(2)));
                    if (object == null || rs.getString(5) == null) {
                        return;
                    }
                    String label = rs.getString(5) + " depends on extension " + rs.getString(4);
                    DumpItem item = DumpItem.ddl(new ObjectRef("depends_on_extension:" + rs.getLong(3), rs.getLong(2)),
                            ItemKind.EXTENSION_DEPENDENCY, label, label,
                            "ALTER " + rs.getString(5) + " DEPENDS ON EXTENSION " + rs.getString(4) + ";\n");
                    catalog.add(item);
                    item.dependOn(object);
                    item.dependOn(catalog.item(new ObjectRef("pg_extension", rs.getLong(3))));
                });
        catalog.query("SELECT s.classoid::regclass::text, s.objoid, s.objsubid, s.objtype, s.objname, quote_ident(s.provider),"
                + " s.label FROM pg_catalog.pg_seclabels s WHERE s.objtype NOT IN ('role', 'database', 'tablespace')"
                + " ORDER BY 1, 2, 3, 6", rs -> {
                    String catalogName = Catalog.className(rs.getString(1));
                    DumpItem object = catalog.item(new ObjectRef(catalogName, rs.getLong(2)));
                    if (object == null) {
                        return; // not something we dump
                    }
                    String target = rs.getString(4).toUpperCase() + " " + rs.getString(5);
                    String label = "security label for " + rs.getString(6) + " on " + target;
                    DumpItem item = DumpItem.ddl(new ObjectRef("seclabel:" + catalogName + ":" + rs.getInt(3) + ":"
                                    + rs.getString(6), rs.getLong(2)), ItemKind.SECURITY_LABEL, label, label,
                            "SECURITY LABEL FOR " + rs.getString(6) + " ON " + target + " IS "
                                    + (rs.getString(7) == null ? "NULL" : SqlText.literal(rs.getString(7))) + ";\n");
                    catalog.add(item);
                    item.dependOn(object);
                });
    }
}
