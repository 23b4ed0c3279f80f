package dev.pgvault.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dropping a database as a role that is not a superuser while a session it may not end is in it:
 * WITH (FORCE) refuses (as it does for an autovacuum worker before PostgreSQL 16, the flake that
 * left a restore's new database behind), and the plain DROP that follows waits for the session to
 * leave instead of giving up at once.
 */
class DatabaseDropTest {
    private static final String PASSWORD = "drop-test-pw";

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final String owner = "pgv_downer_" + suffix;
    private final String other = "pgv_dother_" + suffix;
    private final String target = "pgv_drop_" + suffix;

    @BeforeEach
    void databaseWithAnotherRolesSession() {
        db.execute("postgres", "CREATE ROLE " + owner + " LOGIN CREATEDB PASSWORD '" + PASSWORD + "';"
                + " CREATE ROLE " + other + " LOGIN PASSWORD '" + PASSWORD + "'");
        db.execute("postgres", "CREATE DATABASE " + target + " OWNER " + owner);
    }

    @AfterEach
    void dropEverything() {
        db.server().dropDatabase(target);
        db.execute("postgres", "DROP ROLE IF EXISTS " + other + "; DROP ROLE IF EXISTS " + owner);
    }

    @Test
    void aSessionThatLeavesSoonIsWaitedFor() throws Exception {
        Connection visitor = connect(target, other);
        CompletableFuture<Void> leaves = CompletableFuture.runAsync(() -> close(visitor),
                CompletableFuture.delayedExecutor(700, TimeUnit.MILLISECONDS));
        try (Connection admin = connect("postgres", owner)) {
            DatabaseDrop.dropIfExists(admin, target);
        }
        leaves.join();
        assertThat(exists(target)).isFalse();
    }

    @Test
    void aSessionThatStaysIsReportedAndTheDatabaseKept() throws Exception {
        try (Connection visitor = connect(target, other); Connection admin = connect("postgres", owner)) {
            assertThatThrownBy(() -> DatabaseDrop.dropIfExists(admin, target))
                    .isInstanceOf(SQLException.class)
                    .hasMessageContaining("is being accessed by other users");
            assertThat(visitor.isValid(1)).isTrue();
        }
        assertThat(exists(target)).isTrue();
    }

    @Test
    void aDatabaseThatIsGoneIsNotAnError() throws Exception {
        try (Connection admin = connect("postgres", owner)) {
            DatabaseDrop.dropIfExists(admin, target);
            DatabaseDrop.dropIfExists(admin, target);
        }
        assertThat(exists(target)).isFalse();
    }

    private boolean exists(String name) {
        return db.queryLong("postgres", "SELECT count(*) FROM pg_database WHERE datname = '" + name + "'") == 1;
    }

    private Connection connect(String database, String user) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + db.server().port() + "/" + database,
                user, PASSWORD);
    }

    private static void close(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
