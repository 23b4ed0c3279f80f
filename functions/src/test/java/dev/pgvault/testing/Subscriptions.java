package dev.pgvault.testing;

import dev.pgvault.sandbox.ThrowawayPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A database with a subscription cannot be dropped: this drops its subscriptions first,
 * detaching them from their (never made) replication slots.
 */
public final class Subscriptions {
    private Subscriptions() {}

    public static void dropAll(ThrowawayPostgres server, String database) {
        try (Connection c = server.connect(database); Statement st = c.createStatement()) {
            List<String> names = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT quote_ident(subname) FROM pg_subscription"
                    + " WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            for (String name : names) {
                st.execute("ALTER SUBSCRIPTION " + name + " DISABLE");
                st.execute("ALTER SUBSCRIPTION " + name + " SET (slot_name = NONE)");
                st.execute("DROP SUBSCRIPTION " + name);
            }
        } catch (SQLException e) {
            // the database may be gone already; dropping it will say what is wrong
        }
    }

    /** Drops the database, its subscriptions first. */
    public static void dropDatabase(ThrowawayPostgres server, String database) {
        dropAll(server, database);
        server.dropDatabase(database);
    }
}
