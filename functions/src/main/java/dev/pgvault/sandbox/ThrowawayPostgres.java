package dev.pgvault.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Optional;

/**
 * A PostgreSQL server that lives as long as this object: for the drill and the tests.
 *
 * <p>Prefers the machine's own binaries (fast, and the same version as its {@code psql} and
 * {@code pg_dump}); without them, an embedded server whose binaries come from Maven Central.
 * The server trusts local connections and runs with durability off: never point it at data
 * that matters.
 */
public interface ThrowawayPostgres extends AutoCloseable {

    /**
     * Starts a server: local binaries where present, else the embedded default version.
     * {@code PGVAULT_PG_BIN=embedded} (or {@code embedded:18.1.0}) asks for an embedded one anyway.
     */
    static ThrowawayPostgres start() {
        return start(Map.of());
    }

    /** {@link #start()} with server settings ({@code max_locks_per_transaction} = 10...) given at start. */
    static ThrowawayPostgres start(Map<String, String> settings) {
        Optional<String> embedded = LocalBinaries.embeddedRequested();
        if (embedded.isPresent()) {
            return EmbeddedPostgresServer.start(embedded.get().isEmpty() ? EmbeddedPostgresServer.DEFAULT_VERSION
                    : embedded.get(), settings);
        }
        Optional<Path> bin = LocalBinaries.find();
        if (bin.isPresent()) {
            return LocalBinaryPostgres.start(bin.get(), settings);
        }
        return EmbeddedPostgresServer.start(EmbeddedPostgresServer.DEFAULT_VERSION, settings);
    }

    /** Starts an embedded server of the given zonky binaries version (for example "17.11.0"). */
    static ThrowawayPostgres embedded(String binariesVersion) {
        return EmbeddedPostgresServer.start(binariesVersion, Map.of());
    }

    int port();

    /** The superuser's name (trust authentication, no password). */
    String superuser();

    /** Where the server came from, for reports: "local /usr/lib/postgresql/15/bin" or "embedded 17.11.0". */
    String description();

    /** The directory of {@code psql}, {@code pg_dump} of the same version, if this server has them. */
    Optional<Path> clientBinaries();

    default String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database + "?user=" + superuser();
    }

    /** A libpq URL, as {@code psql} and {@code pg_dump} take it. */
    default String libpqUrl(String database) {
        return "postgresql://" + superuser() + "@127.0.0.1:" + port() + "/" + database;
    }

    default Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database));
    }

    /** Creates an empty database (from template0, UTF8) and returns its name. */
    default String createDatabase(String name) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"")
                    + "\" TEMPLATE template0 ENCODING 'UTF8'");
            return name;
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
        }
    }

    default void dropDatabase(String name) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS \"" + name.replace("\"", "\"\"") + "\" WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop database " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    void close();

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp dir left behind is not worth failing a run for
                }
            });
        } catch (IOException ignored) {
            // as above
        }
    }
}
