package dev.pgvault.backup;

import dev.pgvault.archive.Manifest;

/**
 * How a backup run ended when it did not fail.
 *
 * @param skipped  why nothing was written (the day's backup exists, or another run is writing it), or null
 * @param manifest the new backup's manifest, or null when skipped
 */
public record BackupOutcome(String key, Manifest manifest, String skipped) {
    public boolean written() {
        return skipped == null;
    }
}
