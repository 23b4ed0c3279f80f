package dev.pgvault.repository;

import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.ManifestCodec;
import dev.pgvault.errors.BackupNotFoundException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The backups in a repository. A backup counts only once its manifest exists (the manifest is
 * written last): an object without one is an interrupted run, listed apart and never restored
 * as "latest".
 */
public final class BackupCatalog {
    public static final String LATEST = "latest";
    public static final String VERIFICATION_SUFFIX = ".verification.json";

    private final BackupStore store;

    public BackupCatalog(BackupStore store) {
        this.store = store;
    }

    /** A complete backup as listed. {@code verification} is the last recorded check, if any. */
    public record Entry(BackupKey key, StoredObject object, Optional<StoredObject> verification) {}

    /** Complete backups, oldest first. */
    public List<Entry> list() {
        return scan().complete();
    }

    /** Backup objects without a manifest (interrupted or in-progress runs). */
    public List<StoredObject> incomplete() {
        return scan().incomplete();
    }

    /** The newest complete backup of {@code backupName} (any kind); empty name means any. */
    public Optional<Entry> latest(String backupName) {
        List<Entry> complete = list();
        for (int i = complete.size() - 1; i >= 0; i--) {
            Entry entry = complete.get(i);
            if (backupName == null || backupName.isEmpty() || entry.key().backupName().equals(backupName)) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    /**
     * A key, or "latest" for the newest complete backup named {@code backupName} (required with
     * "latest"). Fails naming the key when it is absent or has no manifest.
     */
    public String resolve(String keyOrLatest, String backupName) {
        if (LATEST.equals(keyOrLatest)) {
            if (backupName == null || backupName.isBlank()) {
                throw new dev.pgvault.errors.InvalidRequestException("'latest' needs the backup name (like auth-db)");
            }
            return latest(backupName).map(e -> e.key().key()).orElseThrow(() -> new BackupNotFoundException(
                    "there are no complete backups named " + backupName + " in " + store.location()));
        }
        return resolve(keyOrLatest);
    }

    /** A key. Fails naming the key when it is absent or has no manifest. */
    public String resolve(String keyOrLatest) {
        if (LATEST.equals(keyOrLatest)) {
            return latest(null).map(e -> e.key().key()).orElseThrow(() -> new BackupNotFoundException(
                    "there are no complete backups in " + store.location()));
        }
        if (store.stat(keyOrLatest).isEmpty()) {
            throw new BackupNotFoundException("no backup " + keyOrLatest + " in " + store.location());
        }
        if (store.stat(keyOrLatest + BackupKey.MANIFEST_SUFFIX).isEmpty()) {
            throw new BackupNotFoundException("backup " + keyOrLatest + " has no manifest: the run that wrote it"
                    + " did not finish, so it is not a backup");
        }
        return keyOrLatest;
    }

    public Manifest manifest(String key) {
        String manifestKey = key + BackupKey.MANIFEST_SUFFIX;
        return ManifestCodec.decode(store.read(manifestKey), manifestKey);
    }

    private record Scan(List<Entry> complete, List<StoredObject> incomplete) {}

    private Scan scan() {
        Map<String, StoredObject> byKey = new HashMap<>();
        for (StoredObject object : store.list("")) {
            byKey.put(object.key(), object);
        }
        List<Entry> complete = new ArrayList<>();
        List<StoredObject> incomplete = new ArrayList<>();
        for (StoredObject object : byKey.values()) {
            Optional<BackupKey> key = BackupKey.parse(object.key());
            if (key.isEmpty()) {
                continue;
            }
            if (byKey.containsKey(object.key() + BackupKey.MANIFEST_SUFFIX)) {
                complete.add(new Entry(key.get(), object,
                        Optional.ofNullable(byKey.get(object.key() + VERIFICATION_SUFFIX))));
            } else {
                incomplete.add(object);
            }
        }
        complete.sort(Comparator.comparing((Entry e) -> e.key().time()).thenComparing(e -> e.key().key()));
        incomplete.sort(Comparator.comparing(StoredObject::key));
        return new Scan(complete, incomplete);
    }
}
