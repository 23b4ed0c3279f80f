package dev.pgvault.config;

import dev.pgvault.errors.ConfigurationException;
import java.util.Locale;

/** libpq's {@code sslmode} values, weakest first, with what each one promises. */
public enum SslMode {
    /** Plaintext only. */
    DISABLE("disable"),
    /** Plaintext first, TLS if the server insists: plaintext is possible. */
    ALLOW("allow"),
    /** TLS if the server offers it, else plaintext; the certificate is not checked. */
    PREFER("prefer"),
    /** TLS or no connection; the certificate is not checked (unless a root certificate is given, as in libpq). */
    REQUIRE("require"),
    /** TLS, and the server's certificate chains to a trusted CA; the host name is not checked. */
    VERIFY_CA("verify-ca"),
    /** TLS, a trusted chain, and the certificate names the host connected to. */
    VERIFY_FULL("verify-full");

    private final String libpqName;

    SslMode(String libpqName) {
        this.libpqName = libpqName;
    }

    /** The value as libpq and pgjdbc spell it ({@code "verify-full"}). */
    public String libpqName() {
        return libpqName;
    }

    /** disable, allow and prefer may all end in a plaintext connection. */
    public boolean allowsPlaintext() {
        return compareTo(REQUIRE) < 0;
    }

    /** verify-ca and verify-full always check the certificate chain. */
    public boolean verifiesCertificate() {
        return this == VERIFY_CA || this == VERIFY_FULL;
    }

    /**
     * Parses a configured value (case-insensitive, as pgjdbc does). {@code where} names the source
     * for the error message ("the URL", "PGSSLMODE"); null and blank give null (not configured).
     */
    public static SslMode parse(String value, String where) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String wanted = value.strip().toLowerCase(Locale.ROOT);
        for (SslMode mode : values()) {
            if (mode.libpqName.equals(wanted)) {
                return mode;
            }
        }
        throw new ConfigurationException("sslmode '" + value.strip() + "' in " + where
                + " is not one of disable, allow, prefer, require, verify-ca, verify-full");
    }

    @Override
    public String toString() {
        return libpqName;
    }
}
