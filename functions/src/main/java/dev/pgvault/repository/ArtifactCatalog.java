package dev.pgvault.repository;

import dev.pgvault.errors.BackupNotFoundException;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration and code backups in a repository, as {@link BackupCatalog} is for database
 * backups: an object counts only once its manifest exists.
 */
public final class ArtifactCatalog {
    private final BackupStore store;

    public ArtifactCatalog(BackupStore store) {
        this.store = store;
    }

    public record Entry(ArtifactKey key, StoredObject object) {}

    /** Complete backups of {@code type} (config or code), oldest first, then by key. */
    public List<Entry> list(ArtifactType type) {
        if (type.folder() == null) {
            throw new IllegalArgumentException(type + " backups are listed by " + BackupCatalog.class.getSimpleName());
        }
        Map<String, StoredObject> byKey = new HashMap<>();
        for (StoredObject object : store.list(type.folder() + "/")) {
            byKey.put(object.key(), object);
        }
        List<Entry> entries = new ArrayList<>();
        for (StoredObject object : byKey.values()) {
            Optional<ArtifactKey> key = ArtifactKey.parse(object.key());
            if (key.isPresent() && byKey.containsKey(Sidecar.MANIFEST.keyFor(object.key()))) {
                entries.add(new Entry(key.get(), object));
            }
        }
        entries.sort(Comparator.comparing((Entry e) -> e.key().date()).thenComparing(e -> e.key().key()));
        return entries;
    }

    /**
     * Objects of {@code type} without a manifest, and unfinished uploads of such objects: runs that
     * died or are still running. Not backups: never listed as such, never restored.
     */
    public List<BackupCatalog.Incomplete> incomplete(ArtifactType type) {
        Map<String, StoredObject> byKey = new HashMap<>();
        for (StoredObject object : store.list(type.folder() + "/")) {
            byKey.put(object.key(), object);
        }
        List<BackupCatalog.Incomplete> incomplete = new ArrayList<>();
        for (StoredObject object : byKey.values()) {
            if (ArtifactKey.parse(object.key()).isPresent() && !byKey.containsKey(Sidecar.MANIFEST.keyFor(object.key()))) {
                incomplete.add(new BackupCatalog.Incomplete(object.key(), object.size(), object.lastModified(),
                        BackupCatalog.Why.NO_MANIFEST));
            }
        }
        for (UnfinishedUpload upload : store.listUnfinished(type.folder() + "/")) {
            if (ArtifactKey.parse(upload.key()).isPresent()) {
                incomplete.add(new BackupCatalog.Incomplete(upload.key(), null, upload.started(),
                        BackupCatalog.Why.UNFINISHED_UPLOAD));
            }
        }
        incomplete.sort(Comparator.comparing(BackupCatalog.Incomplete::key));
        return incomplete;
    }

    /** The newest complete backup of {@code form} named {@code name}. */
    public Optional<Entry> latest(ArtifactKey.Form form, String name) {
        return list(form.type()).stream().filter(e -> e.key().form() == form && e.key().name().equals(name))
                .reduce((older, newer) -> newer);
    }

    /**
     * {@code keyOrLatest} checked to be a complete backup of {@code form}; "latest" is the newest
     * one named {@code name}. Fails naming what is wrong.
     */
    public ArtifactKey resolve(String keyOrLatest, ArtifactKey.Form form, String name) {
        if (BackupCatalog.LATEST.equals(keyOrLatest)) {
            return latest(form, name).map(Entry::key).orElseThrow(() -> new BackupNotFoundException(
                    "there are no complete " + form.type() + " backups of " + name + " in " + store.location()));
        }
        ArtifactKey key = ArtifactKey.parse(keyOrLatest).orElseThrow(() -> new InvalidRequestException("'"
                + keyOrLatest + "' is not a " + form.type() + " backup key (like " + example(form)
                + "); `pgvault list --type " + form.type() + "` shows them"));
        if (key.type() != form.type()) {
            throw new InvalidRequestException("'" + keyOrLatest + "' is a " + key.type() + " backup, not a "
                    + form.type() + " backup");
        }
        if (store.stat(key.key()).isEmpty()) {
            throw new BackupNotFoundException("no backup " + key + " in " + store.location());
        }
        if (store.stat(key.manifestKey()).isEmpty()) {
            throw new BackupNotFoundException("backup " + key + " has no manifest: the run that wrote it did not"
                    + " finish, so it is not a backup");
        }
        return key;
    }

    private static String example(ArtifactKey.Form form) {
        return new ArtifactKey(form, form.type() == ArtifactType.CODE ? "auth-service" : "shopping-app",
                java.time.LocalDate.of(2026, 11, 24), "").key();
    }
}
