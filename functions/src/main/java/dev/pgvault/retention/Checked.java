package dev.pgvault.retention;

/** What the last verification of a backup said, as far as retention cares. */
public enum Checked {
    /** Restored and matched its manifest. */
    VERIFIED,
    /** The last verification failed: never chosen to represent a period. */
    FAILED,
    /** Not verified (yet), or only its integrity was checked: good unless shown otherwise. */
    UNVERIFIED
}
