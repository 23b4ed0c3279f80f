package dev.pgvault.testing;

import dev.pgvault.restore.ScriptApplier;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The fixture schema of issue 3 (fixtures/fidelity/): everything an application database
 * holds, for the server's version: common.sql on every version, pgNN.sql on NN and newer.
 * Loaded statement by statement with autocommit (an enum value added by ALTER TYPE can only
 * be used once committed), through our script reader, since embedded servers have no psql.
 */
public final class FidelityFixture {
    private static final List<Integer> VERSIONED = List.of(14, 15, 16, 17, 18);

    private FidelityFixture() {}

    public static void load(Connection connection) throws SQLException {
        loadBase(connection);
        int major = majorVersion(connection);
        // Issue 11's objects, on top: round-two.sql on every version, round-two-pgNN.sql on NN and newer.
        apply(connection, "fidelity/round-two.sql");
        for (int version : VERSIONED) {
            if (major >= version
                    && Fixtures.class.getResource("/fixtures/fidelity/round-two-pg" + version + ".sql") != null) {
                apply(connection, "fidelity/round-two-pg" + version + ".sql");
            }
        }
    }

    /**
     * Issue 11's object kinds (kinds.sql, kinds-pgNN.sql) on top of {@link #load}: several need a
     * superuser to make and to restore (access methods, languages, event triggers, wrappers,
     * subscriptions). Makes the tablespace they use if the server lacks it.
     */
    public static void loadKinds(Connection connection) throws SQLException {
        ensureTablespace(connection, "pgvault_test_space");
        apply(connection, "fidelity/kinds.sql");
        int major = majorVersion(connection);
        for (int version : VERSIONED) {
            if (major >= version && Fixtures.class.getResource("/fixtures/fidelity/kinds-pg" + version + ".sql") != null) {
                apply(connection, "fidelity/kinds-pg" + version + ".sql");
            }
        }
    }

    /** A tablespace of the given name in a new directory, unless the server has one by that name. */
    public static void ensureTablespace(Connection connection, String name) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_tablespace WHERE spcname = '" + name + "'")) {
            rs.next();
            if (rs.getLong(1) > 0) {
                return;
            }
        }
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("pgvault-tablespace");
            // Owned by whoever runs the server: the owner of its data directory.
            String dataDirectory;
            try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("SHOW data_directory")) {
                rs.next();
                dataDirectory = rs.getString(1);
            }
            try {
                java.nio.file.Files.setOwner(dir, java.nio.file.Files.getOwner(java.nio.file.Path.of(dataDirectory)));
            } catch (java.io.IOException | UnsupportedOperationException e) {
                // the server runs as this user, or on another machine: try as it is
            }
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(true);
            try (Statement st = connection.createStatement()) {
                st.execute("CREATE TABLESPACE " + name + " LOCATION '" + dir + "'");
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("could not make a directory for a tablespace: " + e.getMessage(), e);
        }
    }

    /** The fixture of issue 3 alone: common.sql and pgNN.sql. */
    public static void loadBase(Connection connection) throws SQLException {
        apply(connection, "fidelity/common.sql");
        int major = majorVersion(connection);
        for (int version : VERSIONED) {
            if (major >= version && Fixtures.class.getResource("/fixtures/fidelity/pg" + version + ".sql") != null) {
                apply(connection, "fidelity/pg" + version + ".sql");
            }
        }
    }

    /** Owners and privileges on top of {@link #load}: roles (made if missing), ownership changes, grants. */
    public static void loadPrivileges(Connection connection) throws SQLException {
        apply(connection, "fidelity/privileges.sql");
        apply(connection, "fidelity/privileges-round-two.sql");
    }

    public static int majorVersion(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void apply(Connection connection, String fixture) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(true);
        try {
            ScriptApplier.apply(new ByteArrayInputStream(Fixtures.sql(fixture).getBytes(StandardCharsets.UTF_8)),
                    connection, ScriptApplier.Progress.NONE);
        } finally {
            connection.setAutoCommit(autoCommit);
        }
    }
}
