package dev.pgvault.testing;

import dev.pgvault.sandbox.ThrowawayPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A throwaway PostgreSQL (its own, not the shared one) that serves TLS with a given certificate
 * and key: started like any {@link ThrowawayPostgres}, then {@code ALTER SYSTEM SET ssl = on}
 * and the certificate files, and a configuration reload (PostgreSQL reloads TLS settings without
 * a restart). Works with the machine's binaries and with the embedded server alike.
 */
public final class TlsPostgres implements AutoCloseable {
    private final ThrowawayPostgres server;

    private TlsPostgres(ThrowawayPostgres server) {
        this.server = server;
    }

    /** Starts a server serving {@code certificates}' server certificate; the files are copied next to its data. */
    public static TlsPostgres start(TestCertificates certificates) {
        ThrowawayPostgres server = ThrowawayPostgres.start();
        try {
            enableTls(server, certificates.serverCertificate(), certificates.serverKey());
            return new TlsPostgres(server);
        } catch (RuntimeException | SQLException | IOException e) {
            server.close();
            throw new IllegalStateException("could not turn TLS on in the test server: " + e.getMessage(), e);
        }
    }

    public ThrowawayPostgres server() {
        return server;
    }

    public int port() {
        return server.port();
    }

    private static void enableTls(ThrowawayPostgres server, Path certificate, Path key)
            throws SQLException, IOException {
        Path dataDirectory;
        try (Connection c = server.connect("postgres"); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW data_directory")) {
            rs.next();
            dataDirectory = Path.of(rs.getString(1));
        }
        // Inside the data directory: readable by the server's user whoever that is (postgres when
        // the tests run as root), and removed with the server. The key must be 0600 and the server's.
        UserPrincipal owner = Files.getOwner(dataDirectory);
        Path cert = dataDirectory.resolve("test-server.crt");
        Path keyCopy = dataDirectory.resolve("test-server.key");
        Files.copy(certificate, cert);
        Files.copy(key, keyCopy);
        for (Path file : new Path[] {cert, keyCopy}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            Files.setOwner(file, owner);
        }
        try (Connection c = server.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("ALTER SYSTEM SET ssl_cert_file = '" + cert + "'");
            st.execute("ALTER SYSTEM SET ssl_key_file = '" + keyCopy + "'");
            st.execute("ALTER SYSTEM SET ssl = on");
            st.execute("SELECT pg_reload_conf()");
        }
        // The postmaster reloads asynchronously: wait until a new connection negotiates TLS.
        long deadline = System.nanoTime() + 15_000_000_000L;
        String last = "no attempt";
        while (System.nanoTime() < deadline) {
            Properties properties = new Properties();
            properties.setProperty("user", server.superuser());
            properties.setProperty("sslmode", "require");
            try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres",
                    properties); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                if (rs.next() && rs.getBoolean(1)) {
                    return;
                }
            } catch (SQLException e) {
                last = e.getMessage();
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException("the server did not start serving TLS within 15 s (last: " + last
                + "); see its log");
    }

    @Override
    public void close() {
        server.close();
    }
}
