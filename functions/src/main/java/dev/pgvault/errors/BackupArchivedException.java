package dev.pgvault.errors;

import java.time.Instant;

/**
 * The backup object is in an archive class (S3 Glacier Flexible Retrieval or Deep Archive) and not
 * readable yet: its retrieval has been requested, or is under way. Trying again after
 * {@link #retryAfter()} may succeed; the CLI exits 75 (EX_TEMPFAIL).
 */
public class BackupArchivedException extends StorageException {
    private final String key;
    private final Instant retryAfter;

    public BackupArchivedException(String key, Instant retryAfter, String message) {
        super(message, true, null);
        this.key = key;
        this.retryAfter = retryAfter;
    }

    public String key() {
        return key;
    }

    public Instant retryAfter() {
        return retryAfter;
    }
}
