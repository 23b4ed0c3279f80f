package dev.pgvault.repository;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * Where backup objects live: an S3 bucket (with an optional prefix) or a local directory.
 * Keys are relative, slash-separated paths such as {@code daily/auth-db-backup-2026-11-24.sql.gz}.
 * Every implementation passes the same contract tests.
 */
public interface BackupStore {

    /** Where this store points, for messages: {@code s3://bucket/prefix} or a directory path. */
    String location();

    /**
     * Starts writing an object. {@code expectedSize} (bytes, or -1 when unknown) is a hint only:
     * no store sizes its memory from it (see {@link PartSizing}); the object may end up larger.
     */
    PendingObject create(String key, long expectedSize);

    /**
     * Opens an object for reading; {@link dev.pgvault.errors.BackupNotFoundException} if absent.
     * A stream that breaks midway is resumed where the store can (S3: a ranged GET of the same
     * version); reading fails with {@link dev.pgvault.errors.StorageException} rather than return
     * bytes of another version.
     */
    InputStream open(String key);

    Optional<StoredObject> stat(String key);

    /** All objects whose key starts with {@code prefix}, in key order. */
    List<StoredObject> list(String prefix);

    /** Writes a small object, replacing any object under the key. */
    void put(String key, byte[] content);

    /**
     * Writes a small object only if none exists under the key, atomically with respect to other
     * writers (threads and processes). Returns the new object's version tag, or empty (having
     * changed nothing) when an object exists.
     *
     * <p>Conditional writes ({@code putIfAbsent}, {@code replaceIfMatch}) recognise their own
     * earlier attempt by content: when a retried request finds the object already holding exactly
     * {@code content}, the write counts as done. So conditional content should name its writer
     * (a lease carries a run id); two writers of identical bytes cannot be told apart.
     */
    Optional<String> putIfAbsent(String key, byte[] content);

    /**
     * Reads a small object with its version tag; empty only when the object does not exist. A
     * read that fails (network, permissions) throws {@link dev.pgvault.errors.StorageException}:
     * it never reads as "absent".
     */
    Optional<Versioned> readVersioned(String key);

    /**
     * Replaces an object only if it is still the version {@code etag} names, atomically with
     * respect to other writers. Returns the new version's tag, or empty (having changed nothing)
     * when the object changed or is gone. Tags are opaque; the directory store's are content
     * hashes, so rewriting identical content keeps the tag.
     */
    Optional<String> replaceIfMatch(String key, byte[] content, String etag);

    /**
     * Deletes an object only if it is still the version {@code etag} names. Returns false (having
     * changed nothing) when the object changed or is gone; "gone" includes a retry finding that
     * its own first attempt deleted it.
     */
    boolean deleteIfMatch(String key, String etag);

    /** Removes an object; removing an absent object is not an error. */
    void delete(String key);

    /**
     * Uploads under {@code prefix} that were started and neither completed nor aborted (S3
     * multipart uploads; a directory's partial files), in key order, keys relative to the store.
     * Any key, backup or not: {@link BackupCatalog#incomplete()} picks the backups.
     */
    List<UnfinishedUpload> listUnfinished(String prefix);

    /**
     * Aborts every unfinished upload of exactly {@code key}, discarding what it had written, and
     * returns how many there were. Only for a run that holds the key's lock and has not started
     * its own upload yet: then every such upload belongs to a run that died.
     */
    int abortUnfinished(String key);

    /**
     * Tags, storage classes, retention and version deletes, where the store has them (S3); empty for a
     * directory, where every object is always readable and a delete is final.
     */
    default java.util.Optional<ObjectStates> objectStates() {
        return java.util.Optional.empty();
    }

    default byte[] read(String key) {
        try (InputStream in = open(key)) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new dev.pgvault.errors.StorageException(
                    "could not read " + key + " from " + location() + ": " + e.getMessage(), true, e);
        }
    }
}
