package dev.pgvault.archive.crypto;

import dev.pgvault.errors.WrongKeyException;

/** Builds the {@link Decryptor} for the key material a restore was given. */
public final class Decryptors {
    private Decryptors() {
    }

    /** For a restore given no key: opens unencrypted backups, and says which key an encrypted one needs. */
    public static Decryptor none() {
        return NoEncryption.INSTANCE;
    }

    /** Opens openssl-encrypted backups (and unencrypted ones) with a passphrase. */
    public static Decryptor openssl(Passphrase passphrase) {
        return new OpensslDecryptor(passphrase);
    }

    /**
     * Opens pgp-mode backups (and unencrypted ones) with OpenPGP secret keys, armored or binary as
     * {@code gpg --export-secret-keys} writes them.
     *
     * @param secretKeys    one or more secret keys; the one the backup was encrypted to is used
     * @param keyPassphrase the secret keys' passphrase, or null if they are not protected by one
     * @throws dev.pgvault.errors.ConfigurationException if {@code secretKeys} holds no secret key
     */
    public static Decryptor pgp(byte[] secretKeys, char[] keyPassphrase) {
        return new PgpDecryptor(PgpSecretKeys.parse(secretKeys), keyPassphrase);
    }

    /** The recorded parameters as the kind a decryptor reads, or the error that says which key is needed instead. */
    static <P extends EncryptionParameters> P requireMode(Class<P> kind, EncryptionParameters recorded, String keyMode) {
        if (recorded == null) {
            throw new IllegalArgumentException("encryption parameters are required (from the manifest, or "
                    + "OpensslParameters.unrecorded / PgpParameters.unrecorded for an object without one)");
        }
        if (kind.isInstance(recorded)) {
            return kind.cast(recorded);
        }
        String needed = switch (recorded.mode()) {
            case OpensslParameters.MODE -> "its passphrase";
            case PgpParameters.MODE -> "an OpenPGP secret key of one of its recipients";
            default -> "no key";
        };
        String given = NoEncryptionParameters.MODE.equals(keyMode) ? "no key was given" : "the key given is for " + keyMode + " mode";
        throw new WrongKeyException("this backup is encrypted in " + recorded.mode() + " mode but " + given
                + "; it needs " + needed);
    }
}
