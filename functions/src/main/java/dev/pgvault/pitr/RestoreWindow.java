package dev.pgvault.pitr;

import java.time.Instant;

/**
 * The span a point-in-time restore can reach: from the earliest restorable time (the oldest
 * automated backup still kept) up to, but not including, the latest restorable time (RDS
 * requires a restore time strictly before it).
 */
public record RestoreWindow(Instant earliest, Instant latest) {
    public boolean contains(Instant time) {
        return !time.isBefore(earliest) && time.isBefore(latest);
    }
}
