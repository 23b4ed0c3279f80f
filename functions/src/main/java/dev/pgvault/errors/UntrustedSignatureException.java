package dev.pgvault.errors;

/** A manifest is signed, but by a key this restore was not told to trust. */
public class UntrustedSignatureException extends IntegrityException {
    public UntrustedSignatureException(String message) {
        super(message);
    }
}
