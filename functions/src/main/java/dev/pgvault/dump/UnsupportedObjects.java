package dev.pgvault.dump;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds what the dump cannot yet reproduce faithfully, so the backup can refuse by name
 * instead of producing a script that restores a different database. Each check returns
 * labels such as "operator public.===(integer, integer)". Extension members are exempt: the
 * extension recreates them. docs/dump-coverage.md lists what is supported and what not.
 */
final class UnsupportedObjects {

    /** SQL predicate: namespace oid {@code ns} is a user schema. */
    static String userSchema(String ns) {
        return "(SELECT nspname FROM pg_catalog.pg_namespace WHERE oid = " + ns + ") !~ '^pg_' AND "
                + "(SELECT nspname FROM pg_catalog.pg_namespace WHERE oid = " + ns + ") <> 'information_schema'";
    }

    /** SQL predicate: the object ({@code catalog}, {@code oid}) does not belong to an extension. */
    static String notInExtension(String catalog, String oid) {
        return "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = '" + catalog
                + "'::regclass AND e.objid = " + oid + " AND e.deptype = 'e')";
    }

    private record Check(int minVersion, String sql) {}

    private static final List<Check> CHECKS = List.of(
            // SQL_ASCII text has no declared encoding: the driver reads it as UTF-8 (so bytes that are
            // not UTF-8 would come out changed) and a UTF-8 script cannot restore it byte for byte.
            new Check(0, "SELECT 'database ' || quote_ident(current_database()) || ' in the SQL_ASCII encoding"
                    + " (its text has no declared encoding and cannot be carried byte for byte in a UTF-8 backup;"
                    + " convert the database to UTF8, or back it up with pg_dump)'"
                    + " WHERE current_setting('server_encoding') = 'SQL_ASCII'"));

    private UnsupportedObjects() {}

    static List<String> find(Connection connection, int serverVersionNum) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            for (Check check : CHECKS) {
                if (serverVersionNum < check.minVersion()) {
                    continue;
                }
                try (ResultSet rows = statement.executeQuery(check.sql())) {
                    while (rows.next()) {
                        found.add(rows.getString(1));
                    }
                }
            }
        }
        return found;
    }
}
