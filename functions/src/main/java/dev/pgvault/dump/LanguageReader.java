package dev.pgvault.dump;

import java.sql.SQLException;

/**
 * Procedural languages made with CREATE LANGUAGE rather than by an extension (plpgsql and the
 * contrib languages are extensions), as pg_dump writes them: their handler functions are
 * dumped as functions (C: only a superuser makes them).
 */
final class LanguageReader {
    private LanguageReader() {}

    private static String function(String column) {
        return "CASE WHEN l." + column + " <> 0 THEN l." + column + "::pg_catalog.regproc::text END";
    }

    static void read(Catalog catalog) throws SQLException {
        catalog.query("SELECT l.oid, quote_ident(l.lanname), l.lanpltrusted, " + function("lanplcallfoid") + ", "
                + function("laninline") + ", " + function("lanvalidator")
                + " FROM pg_catalog.pg_language l WHERE l.lanispl AND l.oid >= 16384"
                + " AND " + UnsupportedObjects.notInExtension("pg_language", "l.oid") + " ORDER BY 2", rs -> {
                    String name = rs.getString(2);
                    String sql = "CREATE OR REPLACE " + (rs.getBoolean(3) ? "TRUSTED " : "") + "PROCEDURAL LANGUAGE "
                            + name + " HANDLER " + rs.getString(4)
                            + (rs.getString(5) != null ? " INLINE " + rs.getString(5) : "")
                            + (rs.getString(6) != null ? " VALIDATOR " + rs.getString(6) : "") + ";\n";
                    catalog.addObject(new ObjectRef("pg_language", rs.getLong(1)), ItemKind.LANGUAGE,
                            "language " + name, name, sql, 0, "LANGUAGE " + name, "LANGUAGE " + name,
                            "LANGUAGE " + name);
                });
    }
}
