package dev.pgvault.restore;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** What a restore target already holds, and how to clear it. */
final class TargetDatabase {
    private static final String USER_SCHEMA = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'";

    private TargetDatabase() {}

    /** Up to ten objects the database holds beyond an empty public schema (and plpgsql). */
    static List<String> existingObjects(Connection connection) throws SQLException {
        String sql = "SELECT kind || ' ' || name FROM ("
                + " SELECT 'relation' AS kind, c.oid::regclass::text AS name FROM pg_catalog.pg_class c"
                + "   JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_SCHEMA
                + " UNION ALL SELECT 'schema', quote_ident(n.nspname) FROM pg_catalog.pg_namespace n"
                + "   WHERE " + USER_SCHEMA + " AND n.nspname <> 'public'"
                + " UNION ALL SELECT 'function', p.oid::regprocedure::text FROM pg_catalog.pg_proc p"
                + "   JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE " + USER_SCHEMA
                + " UNION ALL SELECT 'type', t.oid::regtype::text FROM pg_catalog.pg_type t"
                + "   JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE " + USER_SCHEMA
                + "   AND t.typrelid = 0 AND t.typelem = 0"
                + " UNION ALL SELECT 'extension', quote_ident(extname) FROM pg_catalog.pg_extension"
                + "   WHERE extname <> 'plpgsql'"
                + " ) objects ORDER BY 1 LIMIT 10";
        List<String> objects = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                objects.add(rs.getString(1));
            }
        }
        return objects;
    }

    /** Drops every user schema and leaves an empty public, as the runbook's DROP SCHEMA public CASCADE. */
    static void clean(Connection connection) throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT quote_ident(n.nspname) FROM pg_catalog.pg_namespace n WHERE "
                        + USER_SCHEMA)) {
            while (rs.next()) {
                schemas.add(rs.getString(1));
            }
        }
        try (Statement st = connection.createStatement()) {
            for (String schema : schemas) {
                st.execute("DROP SCHEMA " + schema + " CASCADE");
            }
            st.execute("CREATE SCHEMA IF NOT EXISTS public");
        }
    }
}
