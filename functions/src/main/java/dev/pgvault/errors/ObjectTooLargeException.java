package dev.pgvault.errors;

/**
 * An object outgrew what the store can take in one upload (on S3: 10,000 parts of the capped
 * part size). Trying again does not help; a larger part size, chosen on purpose, would.
 */
public class ObjectTooLargeException extends StorageException {
    public ObjectTooLargeException(String message) {
        super(message, false, null);
    }
}
