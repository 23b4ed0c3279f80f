package dev.pgvault.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a connection will be protected, decided by {@link TlsPolicy#plan} before connecting.
 *
 * @param host      the host connected to
 * @param hostKind  local, RDS, RDS Proxy or other
 * @param mode      the sslmode sent to the driver; null keeps the driver's own default ({@code prefer})
 * @param trust     what the certificate chain is checked against; null when it is not checked
 * @param reason    why this mode: "as configured", "pgvault's default for an RDS endpoint", ...
 * @param driverTls true when the driver's own TLS code runs (client certificates or a factory of the user's)
 */
public record TlsPlan(String host, TlsPolicy.HostKind hostKind, SslMode mode, TrustSource trust, String reason,
                      boolean driverTls) {

    /** The mode in force: {@link #mode()}, or the driver's default {@code prefer}. */
    public SslMode effectiveMode() {
        return mode == null ? SslMode.PREFER : mode;
    }

    /** True when the server's certificate must name the host (verify-full). */
    public boolean checksHostName() {
        return mode == SslMode.VERIFY_FULL;
    }

    /** True when no connection is made without TLS. */
    public boolean requiresTls() {
        return !effectiveMode().allowsPlaintext();
    }

    /**
     * The pgjdbc connection properties that carry this plan (no credentials). pgvault's own
     * {@link PgvaultSslFactory} does the TLS: it checks the chain against {@link #trust()} read
     * from memory (the classpath bundle, PEM text from a secret), so no temporary file is written,
     * and it fails with messages that say what did not verify. The driver still decides, from
     * sslmode, whether TLS is asked for, required, and whether the host name is checked after the
     * handshake (by {@link PgvaultSslFactory.HostNameCheck}, the same rules as during it).
     */
    public Map<String, String> jdbcProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        if (mode == null) {
            return properties; // the driver's default, exactly as before
        }
        properties.put("sslmode", mode.libpqName());
        if (driverTls) {
            if (trust != null) {
                properties.put("sslrootcert", trust.path());
            }
            return properties;
        }
        if (mode == SslMode.DISABLE) {
            return properties;
        }
        properties.put("sslfactory", PgvaultSslFactory.class.getName());
        if (trust != null) {
            properties.put(PgvaultSslFactory.TRUST_PROPERTY, trust.encode());
        }
        if (checksHostName()) {
            properties.put("sslhostnameverifier", PgvaultSslFactory.HostNameCheck.class.getName());
        }
        return properties;
    }

    /**
     * One line: "verify-full against file /etc/ssl/db-ca.pem (as configured)",
     * "require, certificate not checked (pgvault's default for a host that is neither local nor RDS)".
     */
    public String describe() {
        SslMode effective = effectiveMode();
        String what;
        if (trust == null) {
            what = effective == SslMode.DISABLE ? "sslmode=disable, no TLS"
                    : "sslmode=" + effective + ", certificate not checked";
        } else if (checksHostName()) {
            what = "sslmode=verify-full against " + trust.description();
        } else {
            what = "sslmode=" + effective + ", certificate chain checked against " + trust.description()
                    + ", host name not checked";
        }
        return what + " (" + reason + ")";
    }
}
