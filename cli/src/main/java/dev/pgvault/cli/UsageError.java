package dev.pgvault.cli;

/** Flags that do not fit together, or a value that cannot be used: exit 2, nothing was done. */
public final class UsageError extends dev.pgvault.errors.InvalidRequestException {
    public UsageError(String message) {
        super(message);
    }
}
