package dev.pgvault.errors;

/**
 * A restore's {@code --clean} could not take its locks within its lock timeout: another session
 * (the running application) holds locks in the target database. The restore was rolled back:
 * nothing was changed. Scaling the application down and retrying is the remedy.
 */
public class CleanBlockedException extends RestoreFailedException {
    public CleanBlockedException(String message, Throwable cause) {
        super(message, cause);
    }
}
