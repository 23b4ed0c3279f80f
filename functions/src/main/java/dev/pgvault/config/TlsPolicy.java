package dev.pgvault.config;

import dev.pgvault.errors.ConfigurationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decides how pgvault protects a database connection. A pure function from the host and what the
 * user configured to a {@link TlsPlan}; the rules (README, "TLS to the database"):
 *
 * <ul>
 *   <li>An sslmode the user configured is used as given (a weaker mode is only ever what the
 *       user configured), except that plaintext to RDS needs the dedicated opt-out, below.</li>
 *   <li>Without sslmode: an {@code sslrootcert} given means {@code verify-full} against it;
 *       otherwise an RDS or Aurora endpoint gets {@code verify-full} against the RDS bundle
 *       shipped with pgvault; a local host (localhost, 127.0.0.0/8, ::1, a Unix socket) keeps the
 *       driver's default ({@code prefer}); any other host gets {@code require}: TLS or no
 *       connection, never a silent fall back to plaintext.</li>
 *   <li>To an RDS endpoint, {@code disable}, {@code allow} and {@code prefer} (the modes that may
 *       send the password and the data in plaintext) are refused unless
 *       {@code pgvault_allow_plaintext=true} is also configured.</li>
 *   <li>What the certificate is checked against: {@code sslrootcert} when given; for RDS without
 *       it, the shipped bundle (plus the Amazon Trust Services roots for RDS Proxy endpoints); for
 *       other hosts libpq's {@code ~/.postgresql/root.crt}, else verify-ca/verify-full is refused
 *       as unverifiable. As in libpq, {@code require} with an sslrootcert also checks the chain,
 *       and {@code sslrootcert=system} needs {@code verify-full}.</li>
 * </ul>
 */
public final class TlsPolicy {

    /** What kind of host a connection goes to; it decides the default. */
    public enum HostKind {
        /** localhost, 127.0.0.0/8, ::1 or a Unix-domain socket directory. */
        LOCAL("a local host"),
        /** An RDS DB instance or Aurora cluster endpoint, in any AWS partition. */
        RDS("an RDS endpoint"),
        /** An RDS Proxy endpoint: its certificate is issued by ACM, not by the RDS CA. */
        RDS_PROXY("an RDS Proxy endpoint"),
        /** Anything else. */
        OTHER("a host that is neither local nor RDS");

        private final String description;

        HostKind(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }

        public boolean isRds() {
            return this == RDS || this == RDS_PROXY;
        }
    }

    /**
     * The DNS suffix of RDS endpoints in each AWS partition ({@code rds.} + the partition's DNS
     * suffix, as the AWS SDK's endpoints.json lists them): aws and aws-us-gov, aws-cn, aws-eusc,
     * aws-iso, aws-iso-b, aws-iso-e, aws-iso-f.
     */
    public static final List<String> RDS_SUFFIXES = List.of(
            ".rds.amazonaws.com",
            ".rds.amazonaws.com.cn",
            ".rds.amazonaws.eu",
            ".rds.c2s.ic.gov",
            ".rds.sc2s.sgov.gov",
            ".rds.cloud.adc-e.uk",
            ".rds.csp.hci.ic.gov");

    /** Driver parameters with which the driver's own TLS code must run (client certificates, a factory of the user's). */
    static final List<String> DRIVER_TLS_PARAMETERS = List.of("sslfactory", "sslcert", "sslkey", "sslhostnameverifier");

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private TlsPolicy() {}

    public static HostKind kindOf(String host) {
        String h = normalise(host);
        if (h.startsWith("/") || h.startsWith("@")) {
            return HostKind.LOCAL; // a Unix-domain socket directory (or Linux abstract socket)
        }
        if (h.equals("localhost") || h.endsWith(".localhost") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1")
                || (IPV4.matcher(h).matches() && h.startsWith("127."))) {
            return HostKind.LOCAL;
        }
        for (String suffix : RDS_SUFFIXES) {
            if (h.endsWith(suffix) && h.length() > suffix.length()) {
                String[] labels = h.substring(0, h.length() - suffix.length()).split("\\.");
                for (String label : labels) {
                    if (label.startsWith("proxy-")) {
                        return HostKind.RDS_PROXY; // name.proxy-abc.region.rds... and name.endpoint.proxy-abc...
                    }
                }
                return HostKind.RDS;
            }
        }
        return HostKind.OTHER;
    }

    /** The AWS region in an RDS endpoint's name ("us-east-1"), or null for other hosts. */
    public static String rdsRegion(String host) {
        String h = normalise(host);
        for (String suffix : RDS_SUFFIXES) {
            if (h.endsWith(suffix) && h.length() > suffix.length()) {
                String[] labels = h.substring(0, h.length() - suffix.length()).split("\\.");
                return labels[labels.length - 1];
            }
        }
        return null;
    }

    /**
     * The plan for connecting to {@code host} with {@code settings}; {@code driverParameters} are
     * the other connection parameters (only their names matter: client certificates or a factory
     * of the user's leave TLS to the driver's own code). Throws {@link ConfigurationException}
     * for what is refused or cannot work, naming why.
     */
    public static TlsPlan plan(String host, TlsSettings settings, Map<String, String> driverParameters) {
        HostKind kind = kindOf(host);
        SslMode mode = settings.sslmode();
        String rootcert = settings.sslrootcert();
        String reason;
        if (mode != null) {
            reason = "as configured";
        } else if (rootcert != null) {
            mode = SslMode.VERIFY_FULL;
            reason = "pgvault's default when sslrootcert is given";
        } else {
            mode = switch (kind) {
                case RDS, RDS_PROXY -> SslMode.VERIFY_FULL;
                case OTHER -> SslMode.REQUIRE;
                case LOCAL -> null;
            };
            reason = kind == HostKind.LOCAL ? "the driver's default for a local host"
                    : "pgvault's default for " + kind.description();
        }

        if (kind.isRds() && mode.allowsPlaintext() && !settings.plaintextAllowed()) {
            throw new ConfigurationException("sslmode=" + mode + " to the RDS endpoint " + host
                    + " is refused: it may send the password and the data in plaintext (pgvault's default there is"
                    + " verify-full against the RDS CA bundle); to connect without TLS anyway, also set "
                    + TlsSettings.ALLOW_PLAINTEXT + "=true");
        }

        boolean system = TrustSource.SYSTEM_KEYWORD.equalsIgnoreCase(rootcert == null ? "" : rootcert);
        if (system && mode != SslMode.VERIFY_FULL) {
            throw new ConfigurationException("sslrootcert=system needs sslmode=verify-full (as in libpq), not "
                    + mode + ": the JVM's trust store holds public CAs that issue certificates for any name,"
                    + " so only the host name check makes them mean something");
        }

        TrustSource trust = null;
        boolean checkChain = mode != null && (mode.verifiesCertificate() || (mode == SslMode.REQUIRE && rootcert != null));
        if (checkChain) {
            if (rootcert != null) {
                trust = TrustSource.fromSetting(rootcert);
            } else if (kind == HostKind.RDS) {
                trust = TrustSource.rds();
            } else if (kind == HostKind.RDS_PROXY) {
                trust = TrustSource.rdsProxy();
            } else {
                Path libpqDefault = Path.of(System.getProperty("user.home", "/nonexistent"), ".postgresql", "root.crt");
                if (!Files.isReadable(libpqDefault)) {
                    throw new ConfigurationException("sslmode=" + mode + " for " + host + " needs CA certificates to"
                            + " check the server's certificate against, and none are configured (nor is there a "
                            + libpqDefault + "): set sslrootcert to a file, to the PEM text, to 'system' (the JVM's"
                            + " trust store) or to 'rds' (the RDS bundle)");
                }
                trust = TrustSource.file(libpqDefault);
            }
            trust.check();
        }

        boolean driverTls = driverParameters.keySet().stream().anyMatch(DRIVER_TLS_PARAMETERS::contains);
        if (driverTls && trust != null && trust.path() == null) {
            throw new ConfigurationException("with " + String.join("/", driverParameters.keySet().stream()
                    .filter(DRIVER_TLS_PARAMETERS::contains).toList()) + " the driver's own TLS code checks the"
                    + " server's certificate, and it reads CAs from a file only: give sslrootcert as a file path"
                    + " instead of " + trust.description());
        }
        return new TlsPlan(host, kind, mode, trust, reason, driverTls);
    }

    private static String normalise(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".") && h.length() > 1) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }
}
