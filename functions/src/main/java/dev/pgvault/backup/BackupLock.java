package dev.pgvault.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgvault.archive.ManifestCodec;
import dev.pgvault.errors.BackupInProgressException;
import dev.pgvault.repository.BackupStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/**
 * A lease on one backup key, so that two runs for the same key (EventBridge delivers at least
 * once) never write the same object at the same time. Taken with a create-if-absent write;
 * a lease past its expiry belongs to a run that died (a Lambda timeout) and may be taken over.
 */
final class BackupLock implements AutoCloseable {
    private final BackupStore store;
    private final String lockKey;
    private boolean held;

    private BackupLock(BackupStore store, String lockKey) {
        this.store = store;
        this.lockKey = lockKey;
    }

    static BackupLock acquire(BackupStore store, String lockKey, String runId, Instant now, Instant expiresAt) {
        byte[] lease = lease(runId, now, expiresAt);
        if (store.putIfAbsent(lockKey, lease).isPresent()) {
            return held(store, lockKey);
        }
        Instant otherExpiry = expiry(store, lockKey);
        if (otherExpiry != null && otherExpiry.isAfter(now)) {
            throw new BackupInProgressException("another run holds " + lockKey + " until " + otherExpiry
                    + "; if no backup is running, delete that object");
        }
        // The holder died without releasing; take over, still racing fairly with other takers.
        store.delete(lockKey);
        if (store.putIfAbsent(lockKey, lease).isPresent()) {
            return held(store, lockKey);
        }
        throw new BackupInProgressException("another run took over " + lockKey + " just now");
    }

    private static BackupLock held(BackupStore store, String lockKey) {
        BackupLock lock = new BackupLock(store, lockKey);
        lock.held = true;
        return lock;
    }

    @Override
    public void close() {
        if (held) {
            held = false;
            store.delete(lockKey);
        }
    }

    private static byte[] lease(String runId, Instant now, Instant expiresAt) {
        try {
            return ManifestCodec.mapper().writeValueAsString(Map.of(
                    "runId", runId, "takenAt", now.toString(), "expiresAt", expiresAt.toString()))
                    .getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant expiry(BackupStore store, String lockKey) {
        try {
            JsonNode lease = ManifestCodec.mapper().readTree(store.read(lockKey));
            return Instant.parse(lease.get("expiresAt").asText());
        } catch (RuntimeException | IOException e) {
            return null; // unreadable or gone: treat as expired
        }
    }
}
