package dev.pgvault.restore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Who else is connected to a database: what a blocked clean or a refused swap tells the operator. */
final class Sessions {
    private static final int SHOWN = 5;

    private Sessions() {}

    /**
     * A client session. {@code user}, {@code application}, {@code client} and {@code state} may be
     * null: PostgreSQL shows another role's session details only to members of pg_read_all_stats.
     */
    record Session(int pid, String user, String application, String client, String state, boolean holdsLocks) {
        String describe() {
            List<String> parts = new ArrayList<>();
            if (user != null) {
                parts.add("user " + user);
            }
            if (application != null && !application.isEmpty()) {
                parts.add("application '" + application + "'");
            }
            if (client != null) {
                parts.add("from " + client);
            }
            if (state != null) {
                parts.add(state);
            }
            if (holdsLocks) {
                parts.add("holding locks");
            }
            return "pid " + pid + (parts.isEmpty() ? "" : " (" + String.join(", ", parts) + ")");
        }
    }

    /** The client sessions on {@code database} (null: the connection's own) other than this one, lock holders first. */
    static List<Session> others(Connection connection, String database) throws SQLException {
        String sql = "SELECT a.pid, a.usename, a.application_name, host(a.client_addr), a.state,"
                + " EXISTS (SELECT 1 FROM pg_catalog.pg_locks l WHERE l.pid = a.pid AND l.granted"
                + "   AND l.database = d.oid)"
                + " FROM pg_catalog.pg_stat_activity a JOIN pg_catalog.pg_database d ON d.datname = a.datname"
                + " WHERE a.datname = coalesce(?, pg_catalog.current_database()) AND a.pid <> pg_catalog.pg_backend_pid()"
                // Another role's session shows no backend_type (nor state, client) without pg_read_all_stats.
                + "   AND (a.backend_type = 'client backend' OR a.backend_type IS NULL AND a.usesysid IS NOT NULL)"
                + " ORDER BY 6 DESC, a.pid";
        List<Session> sessions = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setString(1, database);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    sessions.add(new Session(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getBoolean(6)));
                }
            }
        }
        return sessions;
    }

    /** "2 other sessions are connected: pid 123 (user app, application 'auth', idle in transaction, holding locks); ..." */
    static String describe(List<Session> sessions) {
        if (sessions.isEmpty()) {
            return "no other session is connected now";
        }
        StringBuilder text = new StringBuilder();
        text.append(sessions.size()).append(sessions.size() == 1 ? " other session is connected: "
                : " other sessions are connected: ");
        for (int i = 0; i < Math.min(SHOWN, sessions.size()); i++) {
            text.append(i == 0 ? "" : "; ").append(sessions.get(i).describe());
        }
        if (sessions.size() > SHOWN) {
            text.append("; and ").append(sessions.size() - SHOWN).append(" more");
        }
        return text.toString();
    }
}
