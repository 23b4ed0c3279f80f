package dev.pgvault.errors;

/**
 * A restore whose result does not match the backup's manifest (a table's rows or content, the
 * stored object's SHA-256); it was undone (the new database dropped). Its own class so that the
 * state machine can say "manifest mismatch" rather than "restore failed".
 */
public class ManifestMismatchException extends RestoreFailedException {
    public ManifestMismatchException(String message) {
        super(message);
    }

    public ManifestMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
