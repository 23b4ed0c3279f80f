package dev.pgvault.config;

/**
 * The TLS settings a user gave for a database, before pgvault's defaults apply (see
 * {@link TlsPolicy}). Each may be absent.
 *
 * @param sslmode          libpq's sslmode; null when not configured
 * @param sslrootcert      what to trust: a file path, the text of PEM certificates ({@code -----BEGIN ...}),
 *                         {@code system} (the JVM's trust store) or {@code rds} (the Amazon RDS CA bundle shipped
 *                         with pgvault); null when not configured
 * @param plaintextAllowed the dedicated opt-out ({@code pgvault_allow_plaintext=true}) that lets an explicit
 *                         disable, allow or prefer through to an RDS endpoint; it changes nothing else
 */
public record TlsSettings(SslMode sslmode, String sslrootcert, boolean plaintextAllowed) {
    /** The URL query parameter and secret JSON field of the plaintext opt-out. */
    public static final String ALLOW_PLAINTEXT = "pgvault_allow_plaintext";

    public static final TlsSettings NONE = new TlsSettings(null, null, false);

    public TlsSettings {
        sslrootcert = sslrootcert == null || sslrootcert.isBlank() ? null : sslrootcert.strip();
    }

    /** These settings, each absent one taken from {@code defaults} (libpq: the connection string wins over PG* variables). */
    public TlsSettings orElse(TlsSettings defaults) {
        return new TlsSettings(sslmode != null ? sslmode : defaults.sslmode,
                sslrootcert != null ? sslrootcert : defaults.sslrootcert,
                plaintextAllowed || defaults.plaintextAllowed);
    }

    /** True for the text of PEM certificates rather than a path or keyword. */
    static boolean isPem(String sslrootcert) {
        return sslrootcert != null && sslrootcert.startsWith("-----BEGIN");
    }

    /** Shows a PEM value as "(PEM certificates)", never its text: keeps messages one line. */
    @Override
    public String toString() {
        return "TlsSettings[sslmode=" + sslmode + ", sslrootcert="
                + (isPem(sslrootcert) ? "(PEM certificates)" : sslrootcert) + ", plaintextAllowed=" + plaintextAllowed + "]";
    }
}
