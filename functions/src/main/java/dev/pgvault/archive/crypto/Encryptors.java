package dev.pgvault.archive.crypto;

import java.security.SecureRandom;
import java.util.List;

/**
 * Builds the {@link Encryptor} for a configured mode. Key material arrives already read (from
 * Secrets Manager or SSM through {@code SecretResolver}, or from files for the CLI); nothing here
 * reads the environment.
 */
public final class Encryptors {
    /** PBKDF2 iterations when none are configured: OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_OPENSSL_ITERATIONS = 600_000;

    private Encryptors() {
    }

    /** Stores backups as the compressor wrote them. */
    public static Encryptor none() {
        return NoEncryption.INSTANCE;
    }

    /** {@code openssl enc -aes-256-cbc -salt -pbkdf2 -iter N -md sha256}, plus an HMAC recorded in the manifest. */
    public static Encryptor openssl(Passphrase passphrase, int iterations) {
        return new OpensslEncryptor(passphrase, iterations, new SecureRandom());
    }

    public static Encryptor openssl(Passphrase passphrase) {
        return openssl(passphrase, DEFAULT_OPENSSL_ITERATIONS);
    }

    /**
     * OpenPGP to every valid encryption key of the given certificates (public keys, armored or binary,
     * one or more per element). Any one recipient's secret key opens the backup; the function that
     * encrypts holds no secret and cannot read what it wrote.
     *
     * @throws dev.pgvault.errors.ConfigurationException if an element is not a public key, or a
     *         certificate has no valid (unexpired, unrevoked) encryption key
     */
    public static Encryptor pgp(List<byte[]> recipientCertificates) {
        return new PgpEncryptor(PgpRecipientKeys.parse(recipientCertificates), new SecureRandom());
    }
}
