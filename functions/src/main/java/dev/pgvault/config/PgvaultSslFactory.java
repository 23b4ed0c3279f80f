package dev.pgvault.config;

import java.io.IOException;
import java.net.IDN;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.regex.Pattern;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * pgvault's TLS for pgjdbc ({@code sslfactory}): the driver instantiates it per connection with
 * the connection properties. It checks the server's certificate chain against the
 * {@link TrustSource} the {@link TlsPlan} put into {@value #TRUST_PROPERTY} (nothing checked when
 * absent), and for verify-full that the certificate names the host, during the handshake, so a
 * failure aborts it with a {@link TlsCertificateException} whose message says which check failed.
 *
 * <p>Why a factory rather than pgjdbc's {@code sslrootcert}: the driver reads CAs only from a
 * file, while pgvault's come from the classpath (the RDS bundle in the jar) or from a secret (PEM
 * text); a factory reads them from memory, leaves no temporary file behind in Lambda's /tmp or on
 * a shared laptop, and can say precisely what failed. Client certificates (sslcert/sslkey) are
 * left to the driver's own factory (see {@link TlsPolicy}).
 */
public final class PgvaultSslFactory extends SSLSocketFactory {
    /** Connection property holding {@link TrustSource#encode()}; absent: the chain is not checked. */
    static final String TRUST_PROPERTY = "pgvault.sslrootcert";

    private final TrustSource trust;
    private final boolean checkHost;
    private final TlsHandshakes.Attempt attempt;
    private final SSLSocketFactory defaults;

    /** Called by pgjdbc (ObjectFactory) with the connection's properties. */
    public PgvaultSslFactory(Properties info) {
        String encoded = info.getProperty(TRUST_PROPERTY);
        this.trust = encoded == null ? null : TrustSource.decode(encoded);
        this.checkHost = SslMode.VERIFY_FULL.libpqName().equalsIgnoreCase(info.getProperty("sslmode", ""));
        this.attempt = TlsHandshakes.find(info.getProperty(TlsHandshakes.TOKEN_PROPERTY));
        if (attempt != null) {
            attempt.factoryUsed = true;
        }
        this.defaults = (SSLSocketFactory) SSLSocketFactory.getDefault();
    }

    private SSLSocketFactory forHost(String host) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new CheckingTrustManager(trust, checkHost, host, attempt)}, null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** The one pgjdbc calls: TLS over the connected socket, after the server agreed to SSLRequest. */
    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        return forHost(host).createSocket(socket, host, port, autoClose);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return forHost(host).createSocket(host, port);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return forHost(host).createSocket(host, port, localHost, localPort);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return forHost(host.getHostAddress()).createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return forHost(address.getHostAddress()).createSocket(address, port, localAddress, localPort);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return defaults.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return defaults.getSupportedCipherSuites();
    }

    /** A check that failed during the handshake; the message is the one-line reason shown to the user. */
    static final class TlsCertificateException extends CertificateException {
        enum Check { CHAIN, HOST_NAME }

        private final Check check;

        TlsCertificateException(Check check, String message, Throwable cause) {
            super(message, cause);
            this.check = check;
        }

        Check check() {
            return check;
        }
    }

    /** Checks the server's chain (when there is something to trust) and, for verify-full, its names. */
    static final class CheckingTrustManager extends X509ExtendedTrustManager {
        private final TrustSource trust;
        private final boolean checkHost;
        private final String host;
        private final TlsHandshakes.Attempt attempt;

        CheckingTrustManager(TrustSource trust, boolean checkHost, String host, TlsHandshakes.Attempt attempt) {
            this.trust = trust;
            this.checkHost = checkHost;
            this.host = host;
            this.attempt = attempt;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            check(chain, authType, socket instanceof SSLSocket ssl ? ssl.getHandshakeSession() : null);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            check(chain, authType, engine == null ? null : engine.getHandshakeSession());
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, authType, null);
        }

        private void check(X509Certificate[] chain, String authType, SSLSession handshake)
                throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new TlsCertificateException(TlsCertificateException.Check.CHAIN,
                        "the server presented no certificate", null);
            }
            if (attempt != null) {
                if (handshake != null) {
                    attempt.protocol = handshake.getProtocol();
                    attempt.cipherSuite = handshake.getCipherSuite();
                }
                attempt.serverCertificate = chain[0];
            }
            if (trust != null) {
                try {
                    trust.trustManager().checkServerTrusted(chain, authType);
                } catch (CertificateException e) {
                    throw new TlsCertificateException(TlsCertificateException.Check.CHAIN,
                            "certificate not trusted by " + trust.description() + ": the server presented "
                                    + RdsCaBundle.commonNameOrSubject(chain[0]) + " issued by "
                                    + issuerName(chain) + " (" + rootCause(e) + ")" + regionHint(), e);
                }
                if (attempt != null) {
                    attempt.chainVerified = true;
                }
            }
            if (checkHost) {
                String names = HostNameCheck.mismatch(host, chain[0]);
                if (names != null) {
                    throw new TlsCertificateException(TlsCertificateException.Check.HOST_NAME,
                            "host name " + host + " does not match the certificate (verify-full): it names "
                                    + names, null);
                }
                if (attempt != null) {
                    attempt.hostVerified = true;
                }
            }
        }

        private static String issuerName(X509Certificate[] chain) {
            X509Certificate top = chain[chain.length - 1];
            String issuer = top.getIssuerX500Principal().getName();
            String cn = HostNameCheck.commonNameOf(issuer);
            return cn != null ? "CN=" + cn : issuer;
        }

        /** For an RDS endpoint in a region the shipped bundle lacks (GovCloud, China, newer regions). */
        private String regionHint() {
            if (trust == null || (trust.kind() != TrustSource.Kind.RDS && trust.kind() != TrustSource.Kind.RDS_PROXY)) {
                return "";
            }
            String region = TlsPolicy.rdsRegion(host == null ? "" : host);
            if (region == null || RdsCaBundle.regions().contains(region)) {
                return "";
            }
            return "; the shipped bundle has no CA for region " + region
                    + ": give that region's CA bundle from AWS as sslrootcert";
        }

        private static String rootCause(Throwable e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String message = TrustSource.oneLine(root.getMessage());
            return message.isEmpty() ? root.getClass().getSimpleName() : message;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("pgvault does not accept TLS clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("pgvault does not accept TLS clients");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("pgvault does not accept TLS clients");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return trust == null ? new X509Certificate[0] : trust.trustManager().getAcceptedIssuers();
        }
    }

    /**
     * The host name rules of libpq and pgjdbc: an IP address must be among the certificate's
     * iPAddress names; a DNS name must match one of its dNSName entries, where {@code *.} as the
     * whole left-most label matches exactly one label; a certificate without such entries is
     * matched on its subject's CN. pgjdbc calls this ({@code sslhostnameverifier}) after the
     * handshake too, so both checks agree.
     */
    public static final class HostNameCheck implements HostnameVerifier {
        private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
        private static final int DNS_NAME = 2;
        private static final int IP_ADDRESS = 7;

        @Override
        public boolean verify(String hostname, SSLSession session) {
            try {
                return session.getPeerCertificates().length > 0
                        && session.getPeerCertificates()[0] instanceof X509Certificate certificate
                        && mismatch(hostname, certificate) == null;
            } catch (SSLPeerUnverifiedException e) {
                return false;
            }
        }

        /** Null when {@code host} matches the certificate; else what the certificate names, for the message. */
        static String mismatch(String host, X509Certificate certificate) {
            if (host == null || host.isBlank()) {
                return describe(certificate);
            }
            String h = host.strip();
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1);
            }
            List<String> dnsNames = new ArrayList<>();
            List<String> ipAddresses = new ArrayList<>();
            names(certificate, dnsNames, ipAddresses);
            boolean ip = IPV4.matcher(h).matches() || h.contains(":");
            if (ip) {
                InetAddress wanted = literal(h);
                for (String address : ipAddresses) {
                    InetAddress named = literal(address);
                    if (wanted != null && wanted.equals(named)) {
                        return null;
                    }
                }
                for (String name : dnsNames) {
                    if (name.equalsIgnoreCase(h)) {
                        return null; // libpq accepts an address written as a dNSName
                    }
                }
                if (dnsNames.isEmpty() && ipAddresses.isEmpty() && h.equalsIgnoreCase(commonName(certificate))) {
                    return null;
                }
                return describe(certificate);
            }
            String ascii;
            try {
                ascii = IDN.toASCII(h).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                return describe(certificate);
            }
            if (ascii.endsWith(".")) {
                ascii = ascii.substring(0, ascii.length() - 1);
            }
            for (String name : dnsNames) {
                if (matches(ascii, name)) {
                    return null;
                }
            }
            if (dnsNames.isEmpty() && matches(ascii, commonName(certificate))) {
                return null;
            }
            return describe(certificate);
        }

        private static boolean matches(String host, String pattern) {
            if (pattern == null || pattern.isEmpty()) {
                return false;
            }
            String p = pattern.toLowerCase(Locale.ROOT);
            if (p.endsWith(".")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.indexOf('*') < 0) {
                return host.equals(p);
            }
            if (!p.startsWith("*.") || p.indexOf('*', 1) >= 0 || p.indexOf('.', 2) < 0) {
                return false; // only a whole left-most label may be a wildcard, and not over a top-level domain
            }
            int dot = host.indexOf('.');
            return dot > 0 && host.substring(dot).equals(p.substring(1));
        }

        private static void names(X509Certificate certificate, List<String> dnsNames, List<String> ipAddresses) {
            Collection<List<?>> entries;
            try {
                entries = certificate.getSubjectAlternativeNames();
            } catch (CertificateParsingException e) {
                return;
            }
            if (entries == null) {
                return;
            }
            for (List<?> entry : entries) {
                if (entry.size() < 2 || !(entry.get(0) instanceof Integer type) || !(entry.get(1) instanceof String value)) {
                    continue;
                }
                if (type == DNS_NAME) {
                    dnsNames.add(value);
                } else if (type == IP_ADDRESS) {
                    ipAddresses.add(value);
                }
            }
        }

        /** An IP literal, never a DNS look-up; null when the text is not one. */
        private static InetAddress literal(String text) {
            if (!(IPV4.matcher(text).matches() || text.contains(":"))) {
                return null;
            }
            try {
                return InetAddress.getByName(text);
            } catch (UnknownHostException e) {
                return null;
            }
        }

        static String commonName(X509Certificate certificate) {
            return commonNameOf(certificate.getSubjectX500Principal().getName());
        }

        static String commonNameOf(String distinguishedName) {
            try {
                var rdns = new javax.naming.ldap.LdapName(distinguishedName).getRdns();
                for (int i = rdns.size() - 1; i >= 0; i--) {
                    if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                        return String.valueOf(rdns.get(i).getValue());
                    }
                }
            } catch (javax.naming.InvalidNameException e) {
                return null;
            }
            return null;
        }

        private static String describe(X509Certificate certificate) {
            List<String> dnsNames = new ArrayList<>();
            List<String> ipAddresses = new ArrayList<>();
            names(certificate, dnsNames, ipAddresses);
            List<String> all = new ArrayList<>();
            dnsNames.forEach(n -> all.add("DNS:" + n));
            ipAddresses.forEach(a -> all.add("IP:" + a));
            if (all.isEmpty()) {
                String cn = commonName(certificate);
                return cn == null ? "no host name at all" : "CN=" + cn + " (and no subjectAltName)";
            }
            return String.join(", ", all);
        }
    }
}
