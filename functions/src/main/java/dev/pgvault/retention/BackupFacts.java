package dev.pgvault.retention;

import dev.pgvault.repository.RetainedKey;
import java.time.LocalDate;
import java.util.Objects;

/**
 * What the plan knows of one complete backup (of a database, configuration or code) (object and manifest both present; an interrupted run
 * is never given to the plan, so it can never represent a period or be deleted by it).
 *
 * @param size      bytes stored, for the figures per tier
 * @param tier      the tier its object is tagged with; null when never tagged (it is where it was uploaded: Standard)
 * @param tierSince the day it was tagged with that tier; null when unknown
 */
public record BackupFacts(RetainedKey key, long size, Checked checked, StorageTier tier, LocalDate tierSince) {
    public BackupFacts {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(checked, "checked");
    }

    /** A backup never tiered. */
    public BackupFacts(RetainedKey key, long size, Checked checked) {
        this(key, size, checked, null, null);
    }

    public boolean good() {
        return checked != Checked.FAILED;
    }

    public BackupFacts checked(Checked result) {
        return new BackupFacts(key, size, result, tier, tierSince);
    }

    public BackupFacts tiered(StorageTier newTier, LocalDate since) {
        return new BackupFacts(key, size, checked, newTier, since);
    }
}
