package dev.pgvault.repository;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.BackupNotFoundException;
import dev.pgvault.errors.InvalidRequestException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The behaviour every {@link BackupStore} must have; run against each implementation. */
abstract class BackupStoreContract {

    /** A new, empty store for each test. */
    protected abstract BackupStore store();

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
