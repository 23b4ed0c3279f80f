package dev.pgvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.pgvault.errors.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The TLS rules and the JDBC properties they produce, computed without any network. */
class TlsPolicyTest {
    private static final String PASSWORD = "Pa55-w0rd-n0t-in-messages";
    private static final String RDS = "auth-db-prod.c1x2y3z4.eu-west-1.rds.amazonaws.com";

    @ParameterizedTest
    @CsvSource({
            "auth-db-prod.c1x2y3z4.eu-west-1.rds.amazonaws.com, RDS",
            "AUTH-DB.C1X2Y3Z4.US-EAST-1.RDS.AMAZONAWS.COM., RDS",
            "shop.cluster-c1x2y3z4.us-east-1.rds.amazonaws.com, RDS",
            "shop.cluster-ro-c1x2y3z4.us-east-1.rds.amazonaws.com, RDS",
            "shop.cluster-custom-c1x2y3z4.us-east-1.rds.amazonaws.com, RDS",
            "db.c1x2y3z4.us-gov-west-1.rds.amazonaws.com, RDS",
            "db.c1x2y3z4.cn-north-1.rds.amazonaws.com.cn, RDS",
            "db.c1x2y3z4.eusc-de-east-1.rds.amazonaws.eu, RDS",
            "db.c1x2y3z4.us-iso-east-1.rds.c2s.ic.gov, RDS",
            "db.c1x2y3z4.us-isob-east-1.rds.sc2s.sgov.gov, RDS",
            "db.c1x2y3z4.eu-isoe-west-1.rds.cloud.adc-e.uk, RDS",
            "db.c1x2y3z4.us-isof-south-1.rds.csp.hci.ic.gov, RDS",
            "auth-proxy.proxy-c1x2y3z4.eu-west-1.rds.amazonaws.com, RDS_PROXY",
            "reader.endpoint.proxy-c1x2y3z4.eu-west-1.rds.amazonaws.com, RDS_PROXY",
            "localhost, LOCAL",
            "127.0.0.1, LOCAL",
            "127.0.0.2, LOCAL",
            "::1, LOCAL",
            "[::1], LOCAL",
            "/var/run/postgresql, LOCAL",
            "db.example.com, OTHER",
            "10.0.0.5, OTHER",
            "128.0.0.1, OTHER",
            "rds.amazonaws.com, OTHER",
            "db.eu-west-1.rds.amazonaws.com.attacker.example, OTHER",
            "db.eu-west-1.notrds.amazonaws.com, OTHER",
            "postgres.default.svc.cluster.local, OTHER",
    })
    void hostKinds(String host, TlsPolicy.HostKind kind) {
        assertThat(TlsPolicy.kindOf(host)).isEqualTo(kind);
    }

    @Test
    void theRegionOfAnRdsEndpoint() {
        assertThat(TlsPolicy.rdsRegion(RDS)).isEqualTo("eu-west-1");
        assertThat(TlsPolicy.rdsRegion("db.c1.cn-northwest-1.rds.amazonaws.com.cn")).isEqualTo("cn-northwest-1");
        assertThat(TlsPolicy.rdsRegion("db.example.com")).isNull();
    }

    @Test
    void anRdsEndpointDefaultsToVerifyFullAgainstTheShippedBundle() {
        for (DatabaseTarget target : new DatabaseTarget[] {
                DatabaseTarget.parseSecret(rdsSecret(""), "the secret"),
                DatabaseTarget.parseUrl("postgresql://auth:" + PASSWORD + "@" + RDS + ":5432/auth_db", "DATABASE_URL"),
                DatabaseTarget.parseUrl("jdbc:postgresql://" + RDS + "/auth_db", "a JDBC URL")}) {
            TlsPlan plan = target.tlsPlan();
            assertThat(plan.hostKind()).isEqualTo(TlsPolicy.HostKind.RDS);
            assertThat(plan.mode()).isEqualTo(SslMode.VERIFY_FULL);
            assertThat(plan.trust()).isEqualTo(TrustSource.rds());
            assertThat(plan.reason()).isEqualTo("pgvault's default for an RDS endpoint");
            assertThat(plan.jdbcProperties()).containsExactly(
                    entry("sslmode", "verify-full"),
                    entry("sslfactory", PgvaultSslFactory.class.getName()),
                    entry("pgvault.sslrootcert", "rds"),
                    entry("sslhostnameverifier", PgvaultSslFactory.HostNameCheck.class.getName()));
            assertThat(plan.describe()).isEqualTo("sslmode=verify-full against the Amazon RDS CA bundle shipped with"
                    + " pgvault (" + RdsCaBundle.source() + ") (pgvault's default for an RDS endpoint)");
        }
    }

    @Test
    void anRdsProxyEndpointAlsoTrustsTheAmazonRootsItsCertificateChainsTo() {
        TlsPlan plan = DatabaseTarget.parseUrl("postgresql://auth@auth-proxy.proxy-c1x2y3z4.eu-west-1.rds.amazonaws.com/auth",
                "DATABASE_URL").tlsPlan();
        assertThat(plan.mode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(plan.trust()).isEqualTo(TrustSource.rdsProxy());
        assertThat(plan.jdbcProperties()).containsEntry("pgvault.sslrootcert", "rds-proxy");
        assertThat(plan.trust().trustManager().getAcceptedIssuers()).hasSize(RdsCaBundle.global().size() + 5);
    }

    @ParameterizedTest
    @ValueSource(strings = {"disable", "allow", "prefer"})
    void plaintextToRdsIsRefusedWithoutTheOptOut(String mode) {
        DatabaseTarget fromUrl = DatabaseTarget.parseUrl("postgresql://auth:" + PASSWORD + "@" + RDS
                + "/auth_db?sslmode=" + mode, "DATABASE_URL");
        DatabaseTarget fromSecret = DatabaseTarget.parseSecret(rdsSecret(",\"sslmode\":\"" + mode + "\""), "the secret");
        for (DatabaseTarget target : new DatabaseTarget[] {fromUrl, fromSecret}) {
            assertThatThrownBy(target::tlsPlan).isInstanceOf(ConfigurationException.class)
                    .hasMessage("sslmode=" + mode + " to the RDS endpoint " + RDS + " is refused: it may send the"
                            + " password and the data in plaintext (pgvault's default there is verify-full against"
                            + " the RDS CA bundle); to connect without TLS anyway, also set pgvault_allow_plaintext=true")
                    .message().doesNotContain(PASSWORD);
            // connect() refuses before opening any socket (the host does not even resolve here).
            assertThatThrownBy(target::connect).isInstanceOf(ConfigurationException.class);
        }
    }

    @Test
    void plaintextToRdsNeedsBothAnExplicitModeAndTheOptOut() {
        TlsPlan fromUrl = DatabaseTarget.parseUrl("postgresql://auth@" + RDS
                + "/auth_db?sslmode=disable&pgvault_allow_plaintext=true", "DATABASE_URL").tlsPlan();
        TlsPlan fromSecret = DatabaseTarget.parseSecret(rdsSecret(",\"sslmode\":\"disable\",\"pgvault_allow_plaintext\":true"),
                "the secret").tlsPlan();
        TlsPlan fromApi = DatabaseTarget.parseUrl("postgresql://auth@" + RDS + "/auth_db?sslmode=disable", "DATABASE_URL")
                .withPlaintextAllowed().tlsPlan();
        for (TlsPlan plan : new TlsPlan[] {fromUrl, fromSecret, fromApi}) {
            assertThat(plan.mode()).isEqualTo(SslMode.DISABLE);
            assertThat(plan.reason()).isEqualTo("as configured");
            assertThat(plan.jdbcProperties()).containsExactly(entry("sslmode", "disable"));
        }
        // The opt-out alone weakens nothing.
        TlsPlan optOutOnly = DatabaseTarget.parseUrl("postgresql://auth@" + RDS + "/auth_db?pgvault_allow_plaintext=true",
                "DATABASE_URL").tlsPlan();
        assertThat(optOutOnly.mode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(optOutOnly.trust()).isEqualTo(TrustSource.rds());
    }

    @Test
    void theOptOutNeverReachesTheDriverNorTheApplicationsUrl() {
        DatabaseTarget target = DatabaseTarget.parseUrl("postgresql://auth:pw@" + RDS
                + "/auth_db?sslmode=disable&pgvault_allow_plaintext=true&application_name=auth", "DATABASE_URL");
        assertThat(target.parameters()).containsOnly(entry("sslmode", "disable"), entry("application_name", "auth"));
        assertThat(target.toLibpqUrlWithPassword()).doesNotContain("pgvault_allow_plaintext");
        assertThat(target.tlsPlan().jdbcProperties()).doesNotContainKey("pgvault_allow_plaintext");
    }

    @Test
    void requireToRdsIsAsConfiguredAndUnverified() {
        TlsPlan plan = DatabaseTarget.parseUrl("postgresql://auth@" + RDS + "/auth_db?sslmode=require", "DATABASE_URL")
                .tlsPlan();
        assertThat(plan.mode()).isEqualTo(SslMode.REQUIRE);
        assertThat(plan.trust()).isNull();
        assertThat(plan.describe()).isEqualTo("sslmode=require, certificate not checked (as configured)");
        assertThat(plan.jdbcProperties()).containsEntry("sslmode", "require").doesNotContainKey("pgvault.sslrootcert");
    }

    @Test
    void aLocalHostKeepsTheDriversDefault() {
        DatabaseTarget target = new DatabaseTarget("127.0.0.1", 5432, "auth", "postgres", null, Map.of());
        TlsPlan plan = target.tlsPlan();
        assertThat(plan.mode()).isNull();
        assertThat(plan.effectiveMode()).isEqualTo(SslMode.PREFER);
        assertThat(plan.jdbcProperties()).isEmpty();
        assertThat(plan.describe()).isEqualTo("sslmode=prefer, certificate not checked (the driver's default for a local host)");
    }

    @Test
    void anyOtherHostRequiresTlsByDefault() {
        TlsPlan plan = DatabaseTarget.parseUrl("postgresql://auth@db.example.com/auth", "DATABASE_URL").tlsPlan();
        assertThat(plan.mode()).isEqualTo(SslMode.REQUIRE);
        assertThat(plan.trust()).isNull();
        assertThat(plan.reason()).isEqualTo("pgvault's default for a host that is neither local nor RDS");
        assertThat(plan.jdbcProperties()).containsEntry("sslmode", "require")
                .containsEntry("sslfactory", PgvaultSslFactory.class.getName());
        // Explicitly weaker is as configured.
        assertThat(DatabaseTarget.parseUrl("postgresql://auth@db.example.com/auth?sslmode=disable", "DATABASE_URL")
                .tlsPlan().jdbcProperties()).containsExactly(entry("sslmode", "disable"));
    }

    @Test
    void anSslrootcertWithoutSslmodeMeansVerifyFull(@TempDir Path dir) throws Exception {
        Path ca = caFile(dir);
        TlsPlan plan = DatabaseTarget.parseUrl("postgresql://auth@db.example.com/auth?sslrootcert=" + ca, "DATABASE_URL")
                .tlsPlan();
        assertThat(plan.mode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(plan.trust()).isEqualTo(TrustSource.file(ca));
        assertThat(plan.reason()).isEqualTo("pgvault's default when sslrootcert is given");
        assertThat(plan.jdbcProperties()).containsEntry("pgvault.sslrootcert", "file:" + ca);
    }

    @Test
    void requireWithAnSslrootcertChecksTheChainAsLibpqDoes(@TempDir Path dir) throws Exception {
        Path ca = caFile(dir);
        TlsPlan plan = DatabaseTarget.parseUrl("postgresql://auth@db.example.com/auth?sslmode=require&sslrootcert=" + ca,
                "DATABASE_URL").tlsPlan();
        assertThat(plan.mode()).isEqualTo(SslMode.REQUIRE);
        assertThat(plan.trust()).isEqualTo(TrustSource.file(ca));
        assertThat(plan.checksHostName()).isFalse();
        assertThat(plan.jdbcProperties()).doesNotContainKey("sslhostnameverifier");
    }

    @Test
    void theSecretMayHoldTheCaAsPemText(@TempDir Path dir) throws Exception {
        String pem = Files.readString(caFile(dir));
        String secret = "{\"username\":\"auth\",\"password\":\"" + PASSWORD + "\",\"host\":\"db.example.com\","
                + "\"dbname\":\"auth\",\"sslmode\":\"verify-full\",\"sslrootcert\":" + json(pem) + "}";
        DatabaseTarget target = DatabaseTarget.parseSecret(secret, "the secret");
        TlsPlan plan = target.tlsPlan();
        assertThat(plan.trust()).isEqualTo(TrustSource.pem(pem.strip()));
        assertThat(plan.trust().description()).isEqualTo("the PEM certificates given as sslrootcert");
        // Not a path: kept out of the libpq URL and of parameters().
        assertThat(target.parameters()).doesNotContainKey("sslrootcert");
        assertThat(target.toString()).doesNotContain("BEGIN");
    }

    @Test
    void secretTlsFieldsFillInWhatTheSecretsUrlDoesNotSay(@TempDir Path dir) throws Exception {
        Path ca = caFile(dir);
        String secret = "{\"url\":\"postgresql://auth:pw@db.example.com/auth?sslmode=verify-ca\",\"sslmode\":\"require\","
                + "\"sslrootcert\":\"" + ca + "\"}";
        TlsPlan plan = DatabaseTarget.parseSecret(secret, "the secret").tlsPlan();
        assertThat(plan.mode()).isEqualTo(SslMode.VERIFY_CA);
        assertThat(plan.trust()).isEqualTo(TrustSource.file(ca));
    }

    @Test
    void libpqVariablesApplyWhereTheUrlIsSilent(@TempDir Path dir) throws Exception {
        Path ca = caFile(dir);
        DatabaseTarget silent = DatabaseTarget.parseUrl("postgresql://auth@db.example.com/auth", "DATABASE_URL")
                .withSslDefaults("verify-ca", ca.toString(), "PGSSLMODE");
        assertThat(silent.tlsPlan().mode()).isEqualTo(SslMode.VERIFY_CA);
        assertThat(silent.tlsPlan().trust()).isEqualTo(TrustSource.file(ca));
        DatabaseTarget explicit = DatabaseTarget.parseUrl("postgresql://auth@db.example.com/auth?sslmode=require",
                "DATABASE_URL").withSslDefaults("verify-full", null, "PGSSLMODE");
        assertThat(explicit.tlsPlan().mode()).isEqualTo(SslMode.REQUIRE);
        assertThatThrownBy(() -> silent.withSslDefaults("verify_full", null, "PGSSLMODE"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("sslmode 'verify_full' in PGSSLMODE is not one of disable, allow, prefer, require, verify-ca,"
                        + " verify-full");
    }

    @Test
    void pgjdbcsSslTrueMeansVerifyFull() {
        TlsPlan plan = DatabaseTarget.parseUrl("jdbc:postgresql://" + RDS + "/auth?ssl=true", "a JDBC URL").tlsPlan();
        assertThat(plan.mode()).isEqualTo(SslMode.VERIFY_FULL);
        assertThat(plan.reason()).isEqualTo("as configured");
    }

    @Test
    void systemTrustNeedsVerifyFull() {
        assertThat(DatabaseTarget.parseUrl("postgresql://a@db.example.com/a?sslrootcert=system", "URL").tlsPlan().trust())
                .isEqualTo(TrustSource.system());
        assertThatThrownBy(() -> DatabaseTarget.parseUrl("postgresql://a@db.example.com/a?sslmode=verify-ca&sslrootcert=system",
                "URL").tlsPlan()).isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("sslrootcert=system needs sslmode=verify-full (as in libpq), not verify-ca");
    }

    @Test
    void verificationWithoutAnyCaIsRefusedForAnOrdinaryHost(@TempDir Path home) {
        String before = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            assertThatThrownBy(() -> DatabaseTarget.parseUrl("postgresql://a:" + PASSWORD
                    + "@db.example.com/a?sslmode=verify-full", "URL").tlsPlan())
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("sslmode=verify-full for db.example.com needs CA certificates")
                    .hasMessageContaining("set sslrootcert").message().doesNotContain(PASSWORD);
        } finally {
            System.setProperty("user.home", before);
        }
    }

    @Test
    void aMissingOrEmptyCaFileFailsWhenTheConfigurationIsRead(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> DatabaseTarget.parseUrl("postgresql://a@db.example.com/a?sslrootcert=" + dir.resolve("none.pem"),
                "URL").tlsPlan()).isInstanceOf(ConfigurationException.class)
                .hasMessage("sslrootcert file " + dir.resolve("none.pem") + " does not exist or cannot be read");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "# nothing here\n");
        assertThatThrownBy(() -> DatabaseTarget.parseUrl("postgresql://a@db.example.com/a?sslrootcert=" + empty,
                "URL").tlsPlan()).isInstanceOf(ConfigurationException.class)
                .hasMessage("sslrootcert file " + empty + " holds no certificate");
    }

    @Test
    void clientCertificatesLeaveTlsToTheDriverWhichNeedsAFile(@TempDir Path dir) throws Exception {
        Path ca = caFile(dir);
        TlsPlan plan = DatabaseTarget.parseUrl("postgresql://a@db.example.com/a?sslmode=verify-full&sslrootcert=" + ca
                + "&sslcert=/etc/client.crt&sslkey=/etc/client.pk8", "URL").tlsPlan();
        assertThat(plan.driverTls()).isTrue();
        assertThat(plan.jdbcProperties()).containsExactly(entry("sslmode", "verify-full"), entry("sslrootcert", ca.toString()));
        assertThatThrownBy(() -> DatabaseTarget.parseUrl("postgresql://a@" + RDS + "/a?sslcert=/etc/client.crt", "URL")
                .tlsPlan()).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("give sslrootcert as a file path instead of the Amazon RDS CA bundle");
    }

    @Test
    void theTlsSettingsFollowTheTargetToAnotherDatabaseOrEndpoint(@TempDir Path dir) throws Exception {
        Path ca = caFile(dir);
        DatabaseTarget target = DatabaseTarget.parseUrl("postgresql://a@db.example.com/a?sslrootcert=" + ca, "URL");
        assertThat(target.withDatabase("scratch").tlsPlan().trust()).isEqualTo(TrustSource.file(ca));
        DatabaseTarget plain = DatabaseTarget.parseUrl("postgresql://a@127.0.0.1/a", "URL");
        // A restore moved onto an RDS instance gets RDS's default there.
        assertThat(plain.withEndpoint(RDS, 5432).tlsPlan().mode()).isEqualTo(SslMode.VERIFY_FULL);
    }

    @Test
    void unknownSslmodeIsAConfigurationError() {
        assertThatThrownBy(() -> DatabaseTarget.parseUrl("postgresql://a:" + PASSWORD + "@db.example.com/a?sslmode=on",
                "--database-url")).isInstanceOf(ConfigurationException.class)
                .hasMessage("sslmode 'on' in --database-url is not one of disable, allow, prefer, require, verify-ca,"
                        + " verify-full");
    }

    private static String rdsSecret(String extra) {
        return "{\"username\":\"auth\",\"password\":\"" + PASSWORD + "\",\"engine\":\"postgres\",\"host\":\"" + RDS
                + "\",\"port\":5432,\"dbname\":\"auth_db\"" + extra + "}";
    }

    /** A real CA certificate file to point sslrootcert at (any will do for planning): one from the RDS bundle. */
    private static Path caFile(Path dir) throws Exception {
        var certificate = RdsCaBundle.global().get(0);
        String pem = "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        return Files.writeString(dir.resolve("ca.pem"), pem);
    }

    private static String json(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }
}
