package dev.pgvault.backup;

import dev.pgvault.archive.Manifest;
import dev.pgvault.config.DatabaseTarget;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What a backup run learns about its source before it writes anything: who the database is
 * (for the manifest, and to tell whether a backup already under the key is of the same
 * database) and whether it holds any user table at all (a backup of an empty database is
 * almost always a backup of the wrong one).
 */
record SourceDatabase(Manifest.Source identity, long userTables) {

    /** Reads both in autocommit mode, before the dump's snapshot transaction starts. */
    static SourceDatabase inspect(Connection connection) throws SQLException {
        // Where the driver connected, as it says (the URL holds no credentials).
        DatabaseTarget target = DatabaseTarget.parseUrl(connection.getMetaData().getURL(), "the connection's URL");
        String database;
        long tables;
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_database(), (SELECT count(*) FROM pg_catalog.pg_class c"
                        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema'"
                        + " AND n.nspname !~ '^pg_'"
                        + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::regclass"
                        + " AND d.objid = c.oid AND d.deptype = 'e'))")) {
            rs.next();
            database = rs.getString(1);
            tables = rs.getLong(2);
        }
        return new SourceDatabase(new Manifest.Source(systemIdentifier(connection), target.host(), target.port(),
                database), tables);
    }

    /** The cluster's system identifier, or null where this role may not call pg_control_system(). */
    private static String systemIdentifier(Connection connection) {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT system_identifier::text FROM pg_catalog.pg_control_system()")) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            return null; // e.g. EXECUTE revoked: host, port and database still identify the source
        }
    }
}
