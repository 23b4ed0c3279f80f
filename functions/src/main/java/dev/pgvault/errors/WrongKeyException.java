package dev.pgvault.errors;

/**
 * The key given does not open this backup: a wrong passphrase, a secret key that is not one of the
 * message's recipients, a wrong passphrase for that secret key, or a key of the wrong kind for the
 * backup's encryption mode. The backup itself may be intact. Messages name key ids and fingerprints,
 * never a key or a passphrase.
 */
public class WrongKeyException extends PgvaultException {
    public WrongKeyException(String message) {
        super(message);
    }

    public WrongKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
