package dev.pgvault.testing;

import dev.pgvault.sandbox.ThrowawayPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh, empty database on the shared server for each test ({@code @RegisterExtension}),
 * plus any further databases the test asks for; all dropped afterwards.
 */
public final class TestDatabase implements BeforeEachCallback, AfterEachCallback {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final List<String> created = new ArrayList<>();
    private String name;

    @Override
    public void beforeEach(ExtensionContext context) {
        name = newDatabase();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (String database : created) {
            Subscriptions.dropDatabase(server(), database);
        }
        created.clear();
    }

    public ThrowawayPostgres server() {
        return SharedPostgres.server();
    }

    /** The database made for this test. */
    public String name() {
        return name;
    }

    public String jdbcUrl() {
        return server().jdbcUrl(name);
    }

    public String libpqUrl() {
        return server().libpqUrl(name);
    }

    public Connection connect() throws SQLException {
        return server().connect(name);
    }

    /** Another empty database, dropped after the test. */
    public String newDatabase() {
        String database = "t" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        server().createDatabase(database);
        created.add(database);
        return database;
    }

    /** Runs SQL (several statements allowed) in this test's database. */
    public void execute(String sql) {
        execute(name, sql);
    }

    public void execute(String database, String sql) {
        try (Connection c = server().connect(database); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public long queryLong(String database, String sql) {
        try (Connection c = server().connect(database); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
