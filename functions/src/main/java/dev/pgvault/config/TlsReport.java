package dev.pgvault.config;

/**
 * What TLS a connection negotiated, for a run to say once (log line, CLI output). Built by
 * {@link DatabaseTarget#negotiatedTls(java.sql.Connection)}; {@link #toString()} is {@link #line()}.
 *
 * @param encrypted   the connection runs over TLS
 * @param protocol    "TLSv1.3", or null without TLS
 * @param cipherSuite "TLS_AES_256_GCM_SHA384", or null without TLS
 * @param verified    the server's certificate was checked (chain, and host name under verify-full)
 * @param mode        the sslmode in force (the driver's default {@code prefer} when none was set)
 * @param line        e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384, certificate verified (verify-full) against file
 *                    /etc/db-ca.pem for host db.example.com (as configured)" or "no TLS (sslmode=disable, as configured)"
 */
public record TlsReport(boolean encrypted, String protocol, String cipherSuite, boolean verified, SslMode mode,
                        String line) {
    @Override
    public String toString() {
        return line;
    }
}
