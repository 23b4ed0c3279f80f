package dev.pgvault.dump;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Session settings under which rows are read as text, both when dumping and when checking a
 * restored database against the manifest: the same settings give the same bytes for the same
 * values, so content hashes compare. Names in server-rendered SQL come out schema-qualified
 * because the search path is empty.
 */
public final class SessionSettings {
    private static final String[] SETTINGS = {
        "SET client_encoding = 'UTF8'",
        "SET DateStyle = 'ISO, YMD'",
        "SET IntervalStyle = 'postgres'",
        "SET TimeZone = 'UTC'",
        "SET extra_float_digits = 3",
        "SET bytea_output = 'hex'",
        "SET standard_conforming_strings = on",
        "SET statement_timeout = 0",
        "SET idle_in_transaction_session_timeout = 0",
        // Fail rather than silently skip rows hidden by row-level security.
        "SET row_security = off",
        "SELECT pg_catalog.set_config('search_path', '', false)",
    };

    private SessionSettings() {}

    public static void apply(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String setting : SETTINGS) {
                statement.execute(setting);
            }
        }
    }
}
