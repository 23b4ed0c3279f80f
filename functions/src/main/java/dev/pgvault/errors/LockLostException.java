package dev.pgvault.errors;

/**
 * A run lost its backup key's lock while writing (its heartbeat could not renew the lease, or
 * another run took the lock over): it stopped without committing, so two writers never race.
 */
public class LockLostException extends StorageException {
    public LockLostException(String message, Throwable cause) {
        super(message, true, cause);
    }
}
