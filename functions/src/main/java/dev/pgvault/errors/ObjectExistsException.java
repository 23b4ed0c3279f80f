package dev.pgvault.errors;

/**
 * An object was to be created under a key that another writer filled first. The store
 * changed nothing: the object already there is left exactly as it was.
 */
public class ObjectExistsException extends StorageException {
    public ObjectExistsException(String message) {
        super(message, false, null);
    }
}
