package dev.pgvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.DatabaseUnavailableException;
import dev.pgvault.sandbox.ThrowawayPostgres;
import dev.pgvault.testing.SharedPostgres;
import dev.pgvault.testing.TestCertificates;
import dev.pgvault.testing.TlsPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Verified TLS against a real PostgreSQL serving a certificate from a test CA made with openssl.
 * The server certificate names only IP:127.0.0.1, so connecting to 127.0.0.1 matches it and
 * connecting to "localhost" (the same server) does not.
 */
class TlsConnectionTest {
    private static final String PASSWORD = "Tls-test-pa55word-never-shown";

    private static Path dir;
    private static TestCertificates certificates;
    private static TlsPostgres tlsServer;

    @BeforeAll
    static void startServer() throws Exception {
        dir = Files.createTempDirectory("pgvault-tls-test-");
        certificates = TestCertificates.create(dir, "pgvault test server", List.of("IP:127.0.0.1"));
        tlsServer = TlsPostgres.start(certificates);
    }

    @AfterAll
    static void stopServer() {
        if (tlsServer != null) {
            tlsServer.close();
        }
        ThrowawayPostgres.deleteRecursively(dir);
    }

    private static DatabaseTarget target(String host, String query) {
        return DatabaseTarget.parseUrl("postgresql://postgres:" + PASSWORD + "@" + host + ":" + tlsServer.port()
                + "/postgres" + (query.isEmpty() ? "" : "?" + query), "the test URL");
    }

    @Test
    void verifyFullWithTheRightCaAndHostSucceedsAndSaysSo() throws Exception {
        DatabaseTarget target = target("127.0.0.1", "sslmode=verify-full&sslrootcert=" + certificates.caCertificate());
        try (Connection c = target.connect()) {
            assertThat(serverSeesTls(c)).isTrue();
            TlsReport report = target.negotiatedTls(c);
            assertThat(report.encrypted()).isTrue();
            assertThat(report.verified()).isTrue();
            assertThat(report.mode()).isEqualTo(SslMode.VERIFY_FULL);
            assertThat(report.protocol()).isEqualTo("TLSv1.3");
            assertThat(report.cipherSuite()).startsWith("TLS_");
            assertThat(report.line()).isEqualTo("TLSv1.3 " + report.cipherSuite() + ", certificate verified (verify-full)"
                    + " against file " + certificates.caCertificate() + " for host 127.0.0.1 (as configured)");
            // The server agrees on what was negotiated.
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT version, cipher FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo(report.protocol());
            }
        }
    }

    @Test
    void codeHoldingOnlyTheConnectionGetsTheSameReport() throws Exception {
        DatabaseTarget target = target("127.0.0.1", "sslmode=verify-full&sslrootcert=" + certificates.caCertificate());
        try (Connection c = target.connect()) {
            assertThat(DatabaseTarget.negotiatedTlsOf(c)).isEqualTo(target.negotiatedTls(c));
        }
        try (Connection other = tlsServer.server().connect("postgres")) { // pgjdbc's default prefer, not via pgvault
            assertThat(DatabaseTarget.negotiatedTlsOf(other).line()).matches("TLSv1\\.3 TLS_\\S+ \\(certificate"
                    + " verification unknown: not a connection made by pgvault's DatabaseTarget\\)");
        }
    }

    @Test
    void anSslrootcertAloneMeansVerifyFull() throws Exception {
        DatabaseTarget target = target("127.0.0.1", "sslrootcert=" + certificates.caCertificate());
        try (Connection c = target.connect()) {
            assertThat(target.negotiatedTls(c).line()).contains("certificate verified (verify-full)")
                    .endsWith("(pgvault's default when sslrootcert is given)");
        }
    }

    @Test
    void theCaMayComeAsPemTextInTheSecret() throws Exception {
        String secret = "{\"username\":\"postgres\",\"password\":\"" + PASSWORD + "\",\"host\":\"127.0.0.1\",\"port\":"
                + tlsServer.port() + ",\"dbname\":\"postgres\",\"sslmode\":\"verify-full\",\"sslrootcert\":\""
                + certificates.caPem().replace("\n", "\\n") + "\"}";
        DatabaseTarget target = DatabaseTarget.parseSecret(secret, "the secret");
        try (Connection c = target.connect()) {
            assertThat(target.negotiatedTls(c).line())
                    .contains("certificate verified (verify-full) against the PEM certificates given as sslrootcert");
        }
    }

    @Test
    void aWrongCaFailsSayingTheCertificateIsNotTrusted() {
        DatabaseTarget target = target("127.0.0.1", "sslmode=verify-full&sslrootcert=" + certificates.otherCaCertificate());
        assertThatThrownBy(target::connect).isInstanceOf(DatabaseUnavailableException.class)
                .satisfies(e -> assertOneLineWithoutSecret(e))
                .hasMessageStartingWith("could not connect to postgres@127.0.0.1:" + tlsServer.port() + "/postgres:"
                        + " certificate not trusted by file " + certificates.otherCaCertificate()
                        + ": the server presented CN=pgvault test server issued by CN=pgvault test CA (");
    }

    @Test
    void theJvmsPublicCasDoNotTrustAPrivateCa() {
        DatabaseTarget target = target("127.0.0.1", "sslrootcert=system");
        assertThatThrownBy(target::connect).isInstanceOf(DatabaseUnavailableException.class)
                .satisfies(e -> assertOneLineWithoutSecret(e))
                .hasMessageContaining(": certificate not trusted by the JVM's trust store (sslrootcert=system)");
    }

    @Test
    void aHostNameTheCertificateDoesNotNameFailsSayingSo() {
        // "localhost" reaches the same server, whose certificate names only IP:127.0.0.1.
        DatabaseTarget target = target("localhost", "sslmode=verify-full&sslrootcert=" + certificates.caCertificate());
        assertThatThrownBy(target::connect).isInstanceOf(DatabaseUnavailableException.class)
                .satisfies(e -> assertOneLineWithoutSecret(e))
                .hasMessage("could not connect to postgres@localhost:" + tlsServer.port() + "/postgres: host name"
                        + " localhost does not match the certificate (verify-full): it names IP:127.0.0.1");
    }

    @Test
    void verifyCaChecksTheChainButNotTheName() throws Exception {
        DatabaseTarget target = target("localhost", "sslmode=verify-ca&sslrootcert=" + certificates.caCertificate());
        try (Connection c = target.connect()) {
            TlsReport report = target.negotiatedTls(c);
            assertThat(report.verified()).isTrue();
            assertThat(report.line()).endsWith(", certificate chain verified against file " + certificates.caCertificate()
                    + ", host name not checked (sslmode=verify-ca, as configured)");
        }
        // ... so a wrong CA still fails there.
        assertThatThrownBy(target("localhost", "sslmode=verify-ca&sslrootcert=" + certificates.otherCaCertificate())::connect)
                .hasMessageContaining("certificate not trusted by file " + certificates.otherCaCertificate());
    }

    @Test
    void requireEncryptsWithoutCheckingAndSaysSo() throws Exception {
        DatabaseTarget target = target("localhost", "sslmode=require");
        try (Connection c = target.connect()) {
            TlsReport report = target.negotiatedTls(c);
            assertThat(report.encrypted()).isTrue();
            assertThat(report.verified()).isFalse();
            assertThat(report.line()).matches("TLSv1\\.3 TLS_\\S+, certificate NOT verified \\(sslmode=require, as configured\\)");
        }
    }

    @Test
    void aLocalHostWithoutSslmodeKeepsTheDriversPreferAndTheReportSaysWhatHappened() throws Exception {
        DatabaseTarget target = target("127.0.0.1", "");
        try (Connection c = target.connect()) {
            assertThat(target.negotiatedTls(c).line()).matches(
                    "TLSv1\\.3 TLS_\\S+, certificate NOT verified \\(sslmode=prefer, the driver's default for a local host\\)");
        }
        ThrowawayPostgres plain = SharedPostgres.server(); // ssl = off
        DatabaseTarget plainTarget = new DatabaseTarget("127.0.0.1", plain.port(), "postgres", plain.superuser(), null,
                java.util.Map.of());
        try (Connection c = plainTarget.connect()) {
            TlsReport report = plainTarget.negotiatedTls(c);
            assertThat(report.encrypted()).isFalse();
            assertThat(report.line()).isEqualTo("no TLS (sslmode=prefer, the driver's default for a local host;"
                    + " the server did not offer TLS)");
        }
    }

    @Test
    void disableIsHonouredAndReportedAsConfigured() throws Exception {
        DatabaseTarget target = target("127.0.0.1", "sslmode=disable");
        try (Connection c = target.connect()) {
            assertThat(serverSeesTls(c)).isFalse();
            assertThat(target.negotiatedTls(c).line()).isEqualTo("no TLS (sslmode=disable, as configured)");
        }
    }

    @Test
    void aServerWithoutTlsIsRefusedWhereTlsIsRequired() {
        ThrowawayPostgres plain = SharedPostgres.server(); // ssl = off
        for (String query : new String[] {"sslmode=require", "sslmode=verify-full&sslrootcert=" + certificates.caCertificate()}) {
            DatabaseTarget target = DatabaseTarget.parseUrl("postgresql://postgres:" + PASSWORD + "@127.0.0.1:" + plain.port()
                    + "/postgres?" + query, "the test URL");
            String mode = query.startsWith("sslmode=require") ? "require" : "verify-full";
            assertThatThrownBy(target::connect).isInstanceOf(DatabaseUnavailableException.class)
                    .satisfies(e -> assertOneLineWithoutSecret(e))
                    .hasMessage("could not connect to postgres@127.0.0.1:" + plain.port() + "/postgres: the server does"
                            + " not offer TLS (sslmode=" + mode + ", as configured)");
        }
    }

    private static boolean serverSeesTls(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** One line, and the password nowhere: not in the message, not in the causes' messages or stack. */
    private static void assertOneLineWithoutSecret(Throwable e) {
        assertThat(e.getMessage()).doesNotContain("\n").doesNotContain(PASSWORD);
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(PASSWORD);
    }
}
