package dev.pgvault.errors;

/**
 * An encryption key or passphrase is missing, unreadable or unusable (empty passphrase, a secret
 * key where a public key belongs, an expired recipient). Names the key's source, never its value.
 */
public class EncryptionKeyException extends ConfigurationException {
    public EncryptionKeyException(String message) {
        super(message);
    }
}
