package dev.pgvault.erasure;

import java.time.Instant;

/**
 * One erasure: whose data (the subject, personal data itself: kept only inside the entry, encrypted
 * like the backups when the repository's backups are), when, by whom and why. {@code id} and
 * {@code recordedAt} also name the entry's object, so a listing shows them without the subject.
 */
public record ErasureEntry(String id, String subject, Instant recordedAt, String recordedBy, String reason) {
    /** Never the subject: records print in logs and exceptions. */
    @Override
    public String toString() {
        return "erasure " + id + " recorded " + recordedAt + " by " + recordedBy;
    }
}
