package dev.pgvault.dump;

import java.sql.SQLException;

/**
 * Casts, conversions and transforms made by users (not by initdb, an extension, or a range
 * type for its multirange), as pg_dump writes them.
 */
final class CastReader {
    private CastReader() {}

    static void read(Catalog catalog) throws SQLException {
        casts(catalog);
        conversions(catalog);
        transforms(catalog);
    }

    private static void casts(Catalog catalog) throws SQLException {
        catalog.query("SELECT c.oid, pg_catalog.format_type(c.castsource, NULL), pg_catalog.format_type(c.casttarget, NULL),"
                + " c.castmethod, CASE WHEN c.castfunc <> 0 THEN c.castfunc::pg_catalog.regprocedure::text END, c.castcontext"
                + " FROM pg_catalog.pg_cast c WHERE c.oid >= 16384 AND " + UnsupportedObjects.notInExtension("pg_cast", "c.oid")
                + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_cast'::regclass"
                + "   AND d.objid = c.oid AND d.deptype = 'i') ORDER BY 2, 3", rs -> {
                    String cast = "(" + rs.getString(2) + " AS " + rs.getString(3) + ")";
                    String how = switch (rs.getString(4)) {
                        case "i" -> " WITH INOUT";
                        case "b" -> " WITHOUT FUNCTION";
                        default -> " WITH FUNCTION " + rs.getString(5);
                    };
                    String context = switch (rs.getString(6)) {
                        case "a" -> " AS ASSIGNMENT";
                        case "i" -> " AS IMPLICIT";
                        default -> "";
                    };
                    catalog.addObject(new ObjectRef("pg_cast", rs.getLong(1)), ItemKind.CAST, "cast " + cast, cast,
                            "CREATE CAST " + cast + how + context + ";\n", 0, "CAST " + cast, null, null);
                });
    }

    private static void conversions(Catalog catalog) throws SQLException {
        catalog.query("SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.conname), c.connamespace,"
                + " c.condefault, pg_catalog.pg_encoding_to_char(c.conforencoding),"
                + " pg_catalog.pg_encoding_to_char(c.contoencoding), c.conproc::pg_catalog.regproc::text"
                + " FROM pg_catalog.pg_conversion c JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace"
                + " WHERE " + Catalog.USER_SCHEMA + " AND " + UnsupportedObjects.notInExtension("pg_conversion", "c.oid")
                + " ORDER BY 2", rs -> {
                    String name = rs.getString(2);
                    String sql = "CREATE " + (rs.getBoolean(4) ? "DEFAULT " : "") + "CONVERSION " + name + " FOR "
                            + SqlText.literal(rs.getString(5)) + " TO " + SqlText.literal(rs.getString(6)) + " FROM "
                            + rs.getString(7) + ";\n";
                    catalog.addObject(new ObjectRef("pg_conversion", rs.getLong(1)), ItemKind.CONVERSION,
                            "conversion " + name, name, sql, rs.getLong(3), "CONVERSION " + name, "CONVERSION " + name,
                            null);
                });
    }

    private static void transforms(Catalog catalog) throws SQLException {
        catalog.query("SELECT t.oid, pg_catalog.format_type(t.trftype, NULL), quote_ident(l.lanname),"
                + " CASE WHEN t.trffromsql <> 0 THEN t.trffromsql::pg_catalog.regprocedure::text END,"
                + " CASE WHEN t.trftosql <> 0 THEN t.trftosql::pg_catalog.regprocedure::text END"
                + " FROM pg_catalog.pg_transform t JOIN pg_catalog.pg_language l ON l.oid = t.trflang"
                + " WHERE t.oid >= 16384 AND " + UnsupportedObjects.notInExtension("pg_transform", "t.oid")
                + " ORDER BY 2, 3", rs -> {
                    String what = "FOR " + rs.getString(2) + " LANGUAGE " + rs.getString(3);
                    java.util.List<String> functions = new java.util.ArrayList<>();
                    if (rs.getString(4) != null) {
                        functions.add("FROM SQL WITH FUNCTION " + rs.getString(4));
                    }
                    if (rs.getString(5) != null) {
                        functions.add("TO SQL WITH FUNCTION " + rs.getString(5));
                    }
                    catalog.addObject(new ObjectRef("pg_transform", rs.getLong(1)), ItemKind.TRANSFORM,
                            "transform " + what, what, "CREATE TRANSFORM " + what + " (\n    "
                                    + String.join(",\n    ", functions) + "\n);\n", 0, "TRANSFORM " + what, null, null);
                });
    }
}
