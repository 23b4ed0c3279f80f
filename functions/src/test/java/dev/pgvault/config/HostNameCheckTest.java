package dev.pgvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.testing.TestCertificates;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** verify-full's host name rules (libpq's and pgjdbc's), and the trust manager's messages, on openssl-made certificates. */
class HostNameCheckTest {
    @TempDir
    Path dir;

    private X509Certificate certificate(String commonName, String... subjectAltNames) throws Exception {
        Path sub = Files.createTempDirectory(dir, "cert");
        TestCertificates made = TestCertificates.create(sub, commonName, List.of(subjectAltNames));
        try (InputStream in = Files.newInputStream(made.serverCertificate())) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static boolean matches(String host, X509Certificate certificate) {
        return PgvaultSslFactory.HostNameCheck.mismatch(host, certificate) == null;
    }

    @Test
    void dnsNamesAndWildcards() throws Exception {
        X509Certificate cert = certificate("ignored", "DNS:db.example.com", "DNS:*.replicas.example.com");
        assertThat(matches("db.example.com", cert)).isTrue();
        assertThat(matches("DB.Example.COM", cert)).isTrue();
        assertThat(matches("db.example.com.", cert)).isTrue();
        assertThat(matches("r1.replicas.example.com", cert)).isTrue();
        assertThat(matches("a.r1.replicas.example.com", cert)).as("a wildcard covers one label").isFalse();
        assertThat(matches("replicas.example.com", cert)).isFalse();
        assertThat(matches("other.example.com", cert)).isFalse();
        assertThat(matches("ignored", cert)).as("the CN does not count beside dNSNames").isFalse();
        assertThat(PgvaultSslFactory.HostNameCheck.mismatch("other.example.com", cert))
                .isEqualTo("DNS:db.example.com, DNS:*.replicas.example.com");
    }

    @Test
    void wildcardsOnlyAsAWholeLeftmostLabelBelowADomain() throws Exception {
        X509Certificate cert = certificate("x", "DNS:f*.example.com", "DNS:*.com");
        assertThat(matches("foo.example.com", cert)).isFalse();
        assertThat(matches("example.com", cert)).isFalse();
    }

    @Test
    void ipAddresses() throws Exception {
        X509Certificate cert = certificate("x", "IP:127.0.0.1", "IP:::1");
        assertThat(matches("127.0.0.1", cert)).isTrue();
        assertThat(matches("::1", cert)).isTrue();
        assertThat(matches("[::1]", cert)).isTrue();
        assertThat(matches("0:0:0:0:0:0:0:1", cert)).isTrue();
        assertThat(matches("127.0.0.2", cert)).isFalse();
        assertThat(matches("localhost", cert)).isFalse();
    }

    @Test
    void theCommonNameCountsOnlyWithoutSubjectAltNames() throws Exception {
        X509Certificate cert = certificate("db.example.com");
        assertThat(matches("db.example.com", cert)).isTrue();
        assertThat(PgvaultSslFactory.HostNameCheck.mismatch("other.example.com", cert))
                .isEqualTo("CN=db.example.com (and no subjectAltName)");
    }

    @Test
    void anRdsEndpointInARegionTheBundleLacksGetsAHint() throws Exception {
        X509Certificate cert = certificate("db.c1x2y3z4.il-central-1.rds.amazonaws.com",
                "DNS:db.c1x2y3z4.il-central-1.rds.amazonaws.com");
        assertThat(RdsCaBundle.regions()).doesNotContain("il-central-1").contains("eu-west-1");
        var manager = new PgvaultSslFactory.CheckingTrustManager(TrustSource.rds(), true,
                "db.c1x2y3z4.il-central-1.rds.amazonaws.com", null);
        assertThatThrownBy(() -> manager.checkServerTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA"))
                .isInstanceOf(PgvaultSslFactory.TlsCertificateException.class)
                .hasMessageStartingWith("certificate not trusted by the Amazon RDS CA bundle shipped with pgvault ("
                        + RdsCaBundle.source() + "): the server presented CN=db.c1x2y3z4.il-central-1.rds.amazonaws.com"
                        + " issued by CN=pgvault test CA (")
                .hasMessageEndingWith("; the shipped bundle has no CA for region il-central-1: give that region's CA"
                        + " bundle from AWS as sslrootcert");
        var covered = new PgvaultSslFactory.CheckingTrustManager(TrustSource.rds(), true,
                "db.c1x2y3z4.eu-west-1.rds.amazonaws.com", null);
        assertThatThrownBy(() -> covered.checkServerTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA"))
                .message().doesNotContain("region");
    }
}
