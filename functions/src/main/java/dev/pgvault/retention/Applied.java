package dev.pgvault.retention;

import java.util.Locale;

/** What applying one decision to the store did. */
public record Applied(String key, What what, String detail) {

    public enum What {
        /** Already as planned: nothing sent. */
        UNCHANGED,
        /** Tier tag set (Lifecycle moves the class). */
        TAGGED,
        /** Object Lock retain-until extended (with or without a new tag). */
        EXTENDED,
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
