package dev.pgvault.repository;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.BackupNotFoundException;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.ObjectExistsException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link BackupStore} must have; run against each implementation. (Races
 * between writers are in {@link ConditionalRaceContract}, the catalog over a store in
 * {@link BackupCatalogContract}.)
 */
abstract class BackupStoreContract {

    /** A new, empty store for each test. */
    public abstract BackupStore store();

    /**
     * Whether aborting an upload leaves an object already under its key alone, as S3 does. S3Mock
     * 5.2.0 deletes that object when an upload of the same key is aborted.
     */
    protected boolean abortLeavesAnExistingObjectAlone() {
        return true;
    }

    /** Whether the store's unfinished uploads carry their real start time (moto reports a fixed date). */
    protected boolean reportsUploadStartTimes() {
        return true;
    }

    @Test
    void committedObjectReadsBackByteForByte() throws Exception {
        BackupStore store = store();
        byte[] content = randomBytes(20 << 20); // several S3 parts at the smallest part size
        try (PendingObject pending = store.create("daily/a.sql.gz", -1)) {
            for (int off = 0; off < content.length; off += 1_000_003) {
                pending.write(content, off, Math.min(1_000_003, content.length - off));
            }
            StoredObject stored = pending.commit();
            assertThat(stored.key()).isEqualTo("daily/a.sql.gz");
            assertThat(stored.size()).isEqualTo(content.length);
        }
        try (InputStream in = store.open("daily/a.sql.gz")) {
            assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(content));
        }
        assertThat(store.stat("daily/a.sql.gz")).get().extracting(StoredObject::size).isEqualTo((long) content.length);
    }

    @Test
    void emptyObjectCanBeStored() {
        BackupStore store = store();
        try (PendingObject pending = store.create("manual/empty", -1)) {
            assertThat(pending.commit().size()).isZero();
        }
        assertThat(store.read("manual/empty")).isEmpty();
    }

    @Test
    void nothingIsVisibleBeforeCommit() throws Exception {
        BackupStore store = store();
        PendingObject pending = store.create("daily/b.sql.gz", -1);
        pending.write("partial".getBytes(UTF_8));
        assertThat(store.stat("daily/b.sql.gz")).isEmpty();
        assertThat(store.list("")).isEmpty();
        pending.commit();
        assertThat(store.list("")).extracting(StoredObject::key).containsExactly("daily/b.sql.gz");
    }

    @Test
    void abortedObjectLeavesNothing() throws Exception {
        BackupStore store = store();
        PendingObject pending = store.create("daily/c.sql.gz", -1);
        pending.write(randomBytes(9 << 20)); // at least one part already uploaded
        pending.abort();
        pending.abort(); // idempotent
        assertThat(store.stat("daily/c.sql.gz")).isEmpty();
        assertThat(store.list("")).isEmpty();
    }

    @Test
    void closingWithoutCommitAborts() throws Exception {
        BackupStore store = store();
        try (PendingObject pending = store.create("daily/d.sql.gz", -1)) {
            pending.write(1);
        }
        assertThat(store.stat("daily/d.sql.gz")).isEmpty();
    }

    @Test
    void listingIsByPrefixInKeyOrder() {
        BackupStore store = store();
        for (String key : List.of("manual/x-2", "daily/b", "daily/a", "weekly/a", "dailyish/z")) {
            store.put(key, key.getBytes(UTF_8));
        }
        assertThat(store.list("daily/")).extracting(StoredObject::key).containsExactly("daily/a", "daily/b");
        assertThat(store.list("")).extracting(StoredObject::key)
                .containsExactly("daily/a", "daily/b", "dailyish/z", "manual/x-2", "weekly/a");
        assertThat(store.list("nothing/")).isEmpty();
    }

    @Test
    void putReplacesAndDeleteRemoves() {
        BackupStore store = store();
        store.put("config/x.json", "one".getBytes(UTF_8));
        store.put("config/x.json", "two".getBytes(UTF_8));
        assertThat(new String(store.read("config/x.json"), UTF_8)).isEqualTo("two");
        store.delete("config/x.json");
        store.delete("config/x.json"); // absent: not an error
        assertThat(store.stat("config/x.json")).isEmpty();
    }

    @Test
    void putIfAbsentWritesOnlyOnce() {
        BackupStore store = store();
        assertThat(store.putIfAbsent("daily/x.lock", "first".getBytes(UTF_8))).isPresent();
        assertThat(store.putIfAbsent("daily/x.lock", "second".getBytes(UTF_8))).isEmpty();
        assertThat(new String(store.read("daily/x.lock"), UTF_8)).isEqualTo("first");
    }

    @Test
    void putIfAbsentReturnsTheVersionThatReadVersionedSees() {
        BackupStore store = store();
        String etag = store.putIfAbsent("daily/v.lock", "first".getBytes(UTF_8)).orElseThrow();
        Versioned read = store.readVersioned("daily/v.lock").orElseThrow();
        assertThat(new String(read.content(), UTF_8)).isEqualTo("first");
        assertThat(read.etag()).isEqualTo(etag);
    }

    @Test
    void readVersionedOfAnAbsentKeyIsEmpty() {
        assertThat(store().readVersioned("daily/none.lock")).isEmpty();
    }

    @Test
    void replaceIfMatchReplacesOnlyTheVersionThatWasRead() {
        BackupStore store = store();
        String first = store.putIfAbsent("daily/r.lock", "one".getBytes(UTF_8)).orElseThrow();

        String second = store.replaceIfMatch("daily/r.lock", "two".getBytes(UTF_8), first).orElseThrow();
        assertThat(second).isNotEqualTo(first);
        assertThat(store.readVersioned("daily/r.lock").orElseThrow().etag()).isEqualTo(second);

        assertThat(store.replaceIfMatch("daily/r.lock", "stale".getBytes(UTF_8), first)).isEmpty();
        assertThat(new String(store.read("daily/r.lock"), UTF_8)).isEqualTo("two");
    }

    @Test
    void replaceIfMatchOfAnAbsentKeyChangesNothing() {
        BackupStore store = store();
        String etag = store.putIfAbsent("daily/gone.lock", "x".getBytes(UTF_8)).orElseThrow();
        store.delete("daily/gone.lock");
        assertThat(store.replaceIfMatch("daily/gone.lock", "y".getBytes(UTF_8), etag)).isEmpty();
        assertThat(store.stat("daily/gone.lock")).isEmpty();
    }

    @Test
    void deleteIfMatchDeletesOnlyTheVersionThatWasRead() {
        BackupStore store = store();
        String first = store.putIfAbsent("daily/d.lock", "one".getBytes(UTF_8)).orElseThrow();
        String second = store.replaceIfMatch("daily/d.lock", "two".getBytes(UTF_8), first).orElseThrow();

        assertThat(store.deleteIfMatch("daily/d.lock", first)).isFalse();
        assertThat(new String(store.read("daily/d.lock"), UTF_8)).isEqualTo("two");

        assertThat(store.deleteIfMatch("daily/d.lock", second)).isTrue();
        assertThat(store.stat("daily/d.lock")).isEmpty();
        assertThat(store.deleteIfMatch("daily/d.lock", second)).isFalse();
    }

    @Test
    void commitNeverReplacesAnObject() throws Exception {
        BackupStore store = store();
        store.put("daily/taken.sql.gz", "first writer".getBytes(UTF_8));
        PendingObject second = store.create("daily/taken.sql.gz", -1);
        second.write(randomBytes(9 << 20)); // a part already uploaded
        assertThatThrownBy(second::commit)
                .isInstanceOf(ObjectExistsException.class)
                .hasMessageContaining("daily/taken.sql.gz")
                .hasMessageContaining("already exists");
        second.close();
        if (abortLeavesAnExistingObjectAlone()) {
            assertThat(new String(store.read("daily/taken.sql.gz"), UTF_8)).isEqualTo("first writer");
        }
        assertThat(store.listUnfinished("")).isEmpty();
    }

    @Test
    void ofTwoWritersOfOneKeyTheFirstToCommitWins() throws Exception {
        BackupStore store = store();
        PendingObject one = store.create("daily/both.sql.gz", -1);
        PendingObject two = store.create("daily/both.sql.gz", -1);
        one.write("one".getBytes(UTF_8));
        two.write("two".getBytes(UTF_8));
        assertThat(two.commit().size()).isEqualTo(3);
        assertThatThrownBy(one::commit).isInstanceOf(ObjectExistsException.class);
        one.close();
        two.close();
        if (abortLeavesAnExistingObjectAlone()) {
            assertThat(new String(store.read("daily/both.sql.gz"), UTF_8)).isEqualTo("two");
        }
        assertThat(store.listUnfinished("")).isEmpty();
    }

    @Test
    void unfinishedWritesAreListedUntilTheyEnd() throws Exception {
        BackupStore store = store();
        Instant before = Instant.now().minusSeconds(60);
        PendingObject pending = store.create("daily/u.sql.gz", -1);
        pending.write(new byte[1024]);
        List<UnfinishedUpload> unfinished = store.listUnfinished("");
        assertThat(unfinished).extracting(UnfinishedUpload::key).containsExactly("daily/u.sql.gz");
        if (reportsUploadStartTimes()) {
            assertThat(unfinished.get(0).started()).isBetween(before, Instant.now().plus(Duration.ofMinutes(1)));
        } else {
            assertThat(unfinished.get(0).started()).isNotNull();
        }
        assertThat(store.listUnfinished("daily/")).hasSize(1);
        assertThat(store.listUnfinished("manual/")).isEmpty();
        assertThat(store.list("")).isEmpty();

        pending.abort();
        assertThat(store.listUnfinished("")).isEmpty();
    }

    @Test
    void theUnfinishedUploadsOfAKeyAreAbortedAndNoOthers() throws Exception {
        BackupStore store = store();
        // A dead run's upload of the key (still open: its process was killed), and one of another key.
        PendingObject dead = store.create("daily/k.sql.gz", -1);
        dead.write(new byte[1024]);
        PendingObject other = store.create("daily/k.sql.gz.other.sql.gz", -1);
        other.write(new byte[16]);

        assertThat(store.abortUnfinished("daily/k.sql.gz")).isEqualTo(1);

        assertThat(store.listUnfinished("")).extracting(UnfinishedUpload::key)
                .containsExactly("daily/k.sql.gz.other.sql.gz");
        assertThat(store.abortUnfinished("daily/k.sql.gz")).isZero();
        other.abort();
    }

    @Test
    void aCommittedWriteIsNoLongerUnfinished() throws Exception {
        BackupStore store = store();
        try (PendingObject pending = store.create("manual/c.sql.gz", -1)) {
            pending.write(1);
            pending.commit();
        }
        assertThat(store.listUnfinished("")).isEmpty();
        assertThat(store.list("")).extracting(StoredObject::key).containsExactly("manual/c.sql.gz");
    }

    @Test
    void missingObjectIsNamedInTheError() {
        BackupStore store = store();
        assertThatThrownBy(() -> store.open("daily/nope.sql.gz"))
                .isInstanceOf(BackupNotFoundException.class)
                .hasMessageContaining("daily/nope.sql.gz");
        assertThat(store.stat("daily/nope.sql.gz")).isEmpty();
    }

    @Test
    void keysThatEscapeTheRepositoryAreRefused() {
        BackupStore store = store();
        for (String bad : List.of("../etc/passwd", "/abs", "a//b", "daily/../../x", "")) {
            assertThatThrownBy(() -> store.put(bad, new byte[1])).isInstanceOf(InvalidRequestException.class);
        }
    }

    static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
