package dev.pgvault.dump;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How many relations a restore of this database creates, each holding a lock until a
 * one-transaction restore commits: every table, partition, index, sequence, view, materialized
 * view, foreign table and composite type outside the system schemas (extension members too:
 * {@code CREATE EXTENSION} creates them in the restore), and a TOAST table and its index for each
 * relation that has one. Recorded in the manifest so that a restore's preflight can size the
 * lock table from the backup instead of guessing per table.
 */
public final class RelationCount {
    private static final String SQL = """
            SELECT count(*) + 2 * count(*) FILTER (WHERE c.reltoastrelid <> 0)
              FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
               AND n.nspname !~ '^pg_temp_' AND n.nspname !~ '^pg_toast_temp_'
               AND c.relpersistence <> 't'
            """;

    private RelationCount() {}

    public static long of(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(SQL)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
