package dev.pgvault.errors;

/**
 * A restore refused because the chosen backup's last verification failed (or, for
 * {@code latest-verified}, because no backup of the name has verified); nothing was changed. The
 * state machine matches this class by name; restoring it anyway takes {@code allowUnverified}.
 */
public class BackupNotVerifiedException extends InvalidRequestException {
    public BackupNotVerifiedException(String message) {
        super(message);
    }
}
