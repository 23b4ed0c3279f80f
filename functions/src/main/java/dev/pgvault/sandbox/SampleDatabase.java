package dev.pgvault.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The small auth-service database of the seed runbook (users, refresh tokens), for the drill and tests. */
public final class SampleDatabase {
    private SampleDatabase() {}

    /** Creates the schema and {@code users} users with one to three refresh tokens each. */
    public static void load(Connection connection, int users) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(resource("auth-service.sql"));
            statement.execute(resource("auth-service-data.sql").replace(":users", Integer.toString(users)));
        }
    }

    private static String resource(String name) {
        try (InputStream in = SampleDatabase.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
