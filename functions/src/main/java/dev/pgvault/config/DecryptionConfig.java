package dev.pgvault.config;

import dev.pgvault.archive.crypto.Decryptor;
import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.archive.crypto.Passphrase;
import dev.pgvault.errors.ConfigurationException;
import java.nio.charset.StandardCharsets;

/**
 * How a function that restores opens encrypted backups (and erasure entries): none, openssl (a
 * reference to the passphrase) or pgp (a reference to an armored secret key, optionally one to its
 * passphrase). References only; the key is read through a {@link SecretResolver} when needed.
 */
public record DecryptionConfig(EncryptionConfig.Mode mode, String keyRef, String passphraseRef) {
    public static final String MODE = EncryptionConfig.MODE;
    /** openssl: the passphrase; pgp: the armored secret key. */
    public static final String KEY_REF = "PGVAULT_DECRYPTION_KEY_REF";
    /** pgp: the secret key's passphrase, if it has one. */
    public static final String PASSPHRASE_REF = "PGVAULT_DECRYPTION_KEY_PASSPHRASE_REF";

    public static DecryptionConfig from(Environment env) {
        EncryptionConfig.Mode mode = env.choice(MODE, EncryptionConfig.Mode.class, EncryptionConfig.Mode.NONE);
        String keyRef = env.optional(KEY_REF)
                .or(() -> mode == EncryptionConfig.Mode.OPENSSL ? env.optional(EncryptionConfig.PASSPHRASE_REF)
                        : java.util.Optional.empty())
                .orElse(null);
        if (mode != EncryptionConfig.Mode.NONE && keyRef == null) {
            throw new ConfigurationException("environment variable " + KEY_REF + " is required when "
                    + MODE + " is " + mode.name().toLowerCase() + " (a reference to the "
                    + (mode == EncryptionConfig.Mode.OPENSSL ? "passphrase" : "armored OpenPGP secret key")
                    + " that opens the backups)");
        }
        return new DecryptionConfig(mode, keyRef, env.optional(PASSPHRASE_REF).orElse(null));
    }

    /** Opens the backups with the configured key (read once through the resolver). */
    public Decryptor decryptor(SecretResolver secrets) {
        return switch (mode) {
            case NONE -> Decryptors.none();
            case OPENSSL -> Decryptors.openssl(Passphrase.fromSecretText(secrets.resolve(keyRef), keyRef));
            case PGP -> Decryptors.pgp(secrets.resolve(keyRef).getBytes(StandardCharsets.UTF_8),
                    passphraseRef == null ? null : secrets.resolve(passphraseRef).strip().toCharArray());
        };
    }
}
