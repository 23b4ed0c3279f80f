package dev.pgvault.restore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Drops a database pgvault created (a restore's new database, a verification's scratch database),
 * ending the sessions still in it.
 *
 * <p>{@code WITH (FORCE)} alone is not enough for a role that is not a superuser: before
 * PostgreSQL 16 an autovacuum worker that happens to be in the database has no role, so FORCE
 * refuses to end it ("must be a member of the role whose process is being terminated"). A plain
 * {@code DROP DATABASE} ends autovacuum workers itself and waits for them, so that is the fallback,
 * tried a few times while sessions drain.
 */
public final class DatabaseDrop {
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final String OBJECT_IN_USE = "55006";
    private static final int PLAIN_ATTEMPTS = 4;
    private static final long PAUSE_MILLIS = 500;

    private DatabaseDrop() {}

    /** Drops {@code name} if it exists; returns normally when it is gone. */
    public static void dropIfExists(Connection admin, String name) throws SQLException {
        if (!admin.getAutoCommit()) {
            admin.rollback();
            admin.setAutoCommit(true);
        }
        String quoted = DatabaseShape.identifier(name);
        if (admin.getMetaData().getDatabaseMajorVersion() >= 13) {
            try (Statement st = admin.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + quoted + " WITH (FORCE)");
                return;
            } catch (SQLException e) {
                if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                    throw e;
                }
            }
        } else {
            terminateSessions(admin, name);
        }
        dropPlain(admin, quoted);
    }

    private static void dropPlain(Connection admin, String quoted) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Statement st = admin.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + quoted);
                return;
            } catch (SQLException e) {
                if (!OBJECT_IN_USE.equals(e.getSQLState()) || attempt == PLAIN_ATTEMPTS) {
                    throw e;
                }
            }
            pause();
        }
    }

    /** Before PostgreSQL 13 there is no FORCE: end what this role may end; the DROP reports the rest. */
    private static void terminateSessions(Connection admin, String name) throws SQLException {
        try (PreparedStatement st = admin.prepareStatement(
                "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity"
                        + " WHERE datname = ? AND pid <> pg_catalog.pg_backend_pid()"
                        + " AND (pg_catalog.pg_has_role(usename, 'MEMBER')"
                        + " OR pg_catalog.pg_has_role('pg_signal_backend', 'MEMBER'))")) {
            st.setString(1, name);
            st.execute();
        }
    }

    private static void pause() throws SQLException {
        try {
            Thread.sleep(PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for sessions to leave the database", e);
        }
    }
}
