package dev.pgvault.repository;

import java.time.Instant;
import java.util.Map;

/**
 * What an S3 bucket keeps about a stored object beyond its bytes: tags, storage class, Object Lock
 * retention, archive retrieval; and the deletion of all of an object's versions. A directory store
 * has none of these ({@link BackupStore#objectStates()} is empty there: everything is always
 * readable and deleting a file is final).
 */
public interface ObjectStates {

    /** An object's state; {@code retainUntil} null when it has no retention, {@code restore} as S3 reports it. */
    record ObjectState(String storageClass, Map<String, String> tags, Instant retainUntil, Retrieval retrieval) {
        public ObjectState {
            tags = Map.copyOf(tags);
        }
    }

    /** Whether an archived object can be read. */
    enum Retrieval {
        /** Not archived (STANDARD, STANDARD_IA): readable. */
        NOT_ARCHIVED,
        /** Archived, no restore requested. */
        ARCHIVED,
        /** A restore is under way. */
        IN_PROGRESS,
        /** A restored copy is readable until it expires. */
        RESTORED
    }

    /** What a delete of every version of a key did. */
    record Removal(Outcome outcome, Instant lockedUntil, String detail) {
        public enum Outcome { DELETED, ABSENT, LOCKED, REFUSED }
    }

    /** The state of the current version of {@code key}; empty when there is no such object. */
    java.util.Optional<ObjectState> state(String key);

    /**
     * The same without reading the tags (an empty map): for roles that may read an object's class and
     * retrieval state but not its tags, such as the verification function's.
     */
    java.util.Optional<ObjectState> stateWithoutTags(String key);

    /** Sets these tags on {@code key}, keeping any other tags it has. */
    void putTags(String key, Map<String, String> tags);

    /** Extends the retention of the current version of {@code key} to {@code until} in the bucket's lock mode. */
    void extendRetention(String key, Instant until);

    /**
     * Deletes every version of exactly {@code key} (and its delete markers), unless a version is
     * retained past {@code now}: then nothing is deleted and the answer says until when. A delete S3
     * refuses anyway (a legal hold, a policy) is answered {@link Removal.Outcome#REFUSED}, not thrown.
     */
    Removal deleteAllVersions(String key, Instant now);

    /** Asks S3 to restore an archived object for {@code days}, at {@code tier} (Expedited, Standard, Bulk). */
    void requestRestore(String key, int days, String tier);
}
