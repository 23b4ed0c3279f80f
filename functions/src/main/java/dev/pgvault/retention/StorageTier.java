package dev.pgvault.retention;

import java.util.Locale;
import java.util.Optional;

/**
 * The S3 storage classes a backup object moves through, warmest first. A backup's tier is a tag on
 * its one stored object ({@link #TAG}); the bucket's Lifecycle transition rules (template.yaml) move
 * the object to the class the tag names, so no second copy is ever billed. Lifecycle can only move
 * an object colder, so a tier never gets warmer over a backup's life.
 */
public enum StorageTier {
    STANDARD(0),
    STANDARD_IA(30),
    GLACIER(90),
    DEEP_ARCHIVE(180);

    /** The object tag that names a backup's tier; Lifecycle rules filter on it. */
    public static final String TAG = "pgvault-tier";

    private final int minimumDays;

    StorageTier(int minimumDays) {
        this.minimumDays = minimumDays;
    }

    /** The days S3 bills an object in this class at least, however soon it is deleted or moved. */
    public int minimumDays() {
        return minimumDays;
    }

    /** The S3 storage class name, which is also the tag's value. */
    public String s3Name() {
        return name();
    }

    /** Whether a read needs a restore request first (GLACIER Flexible Retrieval, DEEP_ARCHIVE). */
    public boolean archived() {
        return this == GLACIER || this == DEEP_ARCHIVE;
    }

    /** The tier of an S3 storage class name (null or blank: STANDARD); empty for classes pgvault does not use. */
    public static Optional<StorageTier> ofS3(String storageClass) {
        if (storageClass == null || storageClass.isBlank()) {
            return Optional.of(STANDARD);
        }
        for (StorageTier tier : values()) {
            if (tier.name().equals(storageClass.strip().toUpperCase(Locale.ROOT))) {
                return Optional.of(tier);
            }
        }
        return Optional.empty();
    }
}
