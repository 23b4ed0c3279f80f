package dev.pgvault.backup;

import dev.pgvault.archive.Manifest;
import java.util.List;

/**
 * How a backup run ended when it did not fail (a failure is an exception, classified by
 * {@link dev.pgvault.errors.FailureClass}).
 *
 * @param status   what happened
 * @param key      the backup's object key
 * @param manifest the backup's manifest: the new one when written, the existing one when already complete; null when held
 * @param holder   the run holding the key's lock, when {@link Status#HELD}; else null
 * @param warnings what the run noticed and reported without failing (a backup much smaller than the last)
 */
public record BackupOutcome(Status status, String key, Manifest manifest, LockHolder holder, List<String> warnings) {

    public enum Status {
        /** A new backup was written and its manifest stored. */
        WRITTEN,
        /** A complete backup of the same source already exists under this key; nothing was touched. */
        ALREADY_COMPLETE,
        /** Another live run holds this key's lock; nothing was touched. */
        HELD
    }

    /**
     * Who holds a key's lock: a run id, a description of the owner (host, process, Lambda request),
     * and how long its lease runs unless renewed.
     */
    public record LockHolder(String runId, String owner, java.time.Instant takenAt, java.time.Instant expiresAt) {}

    public BackupOutcome {
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public static BackupOutcome written(String key, Manifest manifest) {
        return written(key, manifest, List.of());
    }

    public static BackupOutcome written(String key, Manifest manifest, List<String> warnings) {
        return new BackupOutcome(Status.WRITTEN, key, manifest, null, warnings);
    }

    public static BackupOutcome alreadyComplete(String key, Manifest manifest) {
        return new BackupOutcome(Status.ALREADY_COMPLETE, key, manifest, null, List.of());
    }

    public static BackupOutcome held(String key, LockHolder holder) {
        return new BackupOutcome(Status.HELD, key, null, holder, List.of());
    }

    public boolean written() {
        return status == Status.WRITTEN;
    }
}
