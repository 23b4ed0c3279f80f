package dev.pgvault.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An oracle for "the data is the same" that shares no code with pgvault: per table, the row
 * count and the md5 of its rows' text forms sorted (so physical order does not matter), and
 * every sequence's state. Materialized views count as tables once populated.
 */
public final class DataFingerprint {
    private DataFingerprint() {}

    public static Map<String, String> of(Connection connection) throws SQLException {
        Map<String, String> fingerprint = new TreeMap<>();
        List<String> tables = new ArrayList<>();
        try (Statement st = connection.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT c.oid::regclass::text FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind IN ('r', 'm') AND c.relispopulated"
                    + " AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*), md5(coalesce(string_agg(r, E'\\n' ORDER BY r), ''))"
                        + " FROM (SELECT t::text AS r FROM ONLY " + table + " t) x")) {
                    rs.next();
                    fingerprint.put("table " + table, rs.getLong(1) + " rows, " + rs.getString(2));
                }
            }
            List<String> sequences = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT c.oid::regclass::text FROM pg_class c"
                    + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relkind = 'S' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'")) {
                while (rs.next()) {
                    sequences.add(rs.getString(1));
                }
            }
            for (String sequence : sequences) {
                try (ResultSet rs = st.executeQuery("SELECT last_value, is_called FROM " + sequence)) {
                    rs.next();
                    fingerprint.put("sequence " + sequence, rs.getLong(1) + " " + rs.getBoolean(2));
                }
            }
        }
        return fingerprint;
    }
}
