package dev.pgvault.retention;

import java.util.Locale;

/**
 * What applying one decision to the store did.
 *
 * @param tagged   whether its tier tag was set
 * @param extended whether its Object Lock retain-until date was extended
 */
public record Applied(String key, What what, boolean tagged, boolean extended, String detail) {

    public Applied(String key, What what, String detail) {
        this(key, what, false, false, detail);
    }

    public enum What {
        /** Already as planned: nothing sent. */
        UNCHANGED,
        /** Kept, and its tier tag set (Lifecycle moves the class) or its retention extended, or both. */
        UPDATED,
        DELETED,
        /** Planned for deletion, but under Object Lock: left, reported, tried again by a later day's plan. */
        LOCKED,
        /** Planned for deletion, refused by S3 for another reason (legal hold, policy): left and reported. */
        REFUSED,
        /** A dry run: nothing sent. */
        PLANNED;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
