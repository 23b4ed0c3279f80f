package dev.pgvault.repository;

import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.ManifestCodec;
import dev.pgvault.errors.BackupNotFoundException;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The backups in a repository. A backup counts only once its manifest exists (the manifest is
 * written last): an object without one is an interrupted run, listed apart and never restored
 * as "latest". What is a backup object and what is a sidecar is {@link BackupArtifacts}'s answer.
 */
public final class BackupCatalog {
    public static final String LATEST = "latest";

    /**
     * How much later than its key's time a backup's snapshot can be. A daily is named at 00:00 of
     * the day its run starts and a manual one at its start second; the snapshot is taken when the
     * run starts, so it trails the key's time by less than a day plus the run's start-up. Two days
     * leave a margin and still read only a few manifests to find the latest.
     */
    static final Duration SNAPSHOT_LAG = Duration.ofDays(2);

    private final BackupStore store;

    public BackupCatalog(BackupStore store) {
        this.store = store;
    }

    /** A complete backup as listed. {@code verification} is the last recorded check, if any. */
    public record Entry(BackupKey key, StoredObject object, Optional<StoredObject> verification) {}

    /**
     * Something that was meant to become a backup and did not (or not yet): a backup object
     * without its manifest, or an upload that was started and neither completed nor aborted.
     *
     * @param key   the backup object's key
     * @param size  bytes stored so far, or null when the store cannot tell cheaply (an S3 multipart upload)
     * @param since when the object was written or the upload started
     */
    public record Incomplete(String key, Long size, Instant since, Why why) {}

    /** Why an {@link Incomplete} is not a backup. */
    public enum Why {
        NO_MANIFEST("no manifest: the run that wrote it did not finish, so it is not a backup"),
        UNFINISHED_UPLOAD("upload neither completed nor aborted: a run in progress, or one that was killed");

        private final String description;

        Why(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    /** Complete backups (object and manifest), oldest first by the time in their key. */
    public List<Entry> list() {
        return scan().complete();
    }

    /**
     * Backup objects without a manifest, and unfinished uploads of backup objects, by key. Never
     * a sidecar (manifest, verification record, lock): those are not backups, complete or not.
     */
    public List<Incomplete> incomplete() {
        List<Incomplete> incomplete = new ArrayList<>(scan().incomplete());
        for (UnfinishedUpload upload : store.listUnfinished("")) {
            if (BackupKey.parse(upload.key()).isPresent()) {
                incomplete.add(new Incomplete(upload.key(), null, upload.started(), Why.UNFINISHED_UPLOAD));
            }
        }
        incomplete.sort(Comparator.comparing(Incomplete::key).thenComparing(Incomplete::since,
                Comparator.nullsFirst(Comparator.naturalOrder())));
        return incomplete;
    }

    /**
     * The complete backup of exactly {@code backupName} (any kind) whose manifest has the newest
     * snapshot time. The key's time is not enough: a daily is named at 00:00 but taken at 02:00,
     * so a manual backup named 01:00 the same day is older. Only the manifests of backups whose
     * key time is within {@link #SNAPSHOT_LAG} of the newest key are read.
     */
    public Optional<Entry> latest(String backupName) {
        if (backupName == null || backupName.isBlank()) {
            throw new InvalidRequestException("'latest' needs the backup name (like auth-db)");
        }
        List<Entry> named = list().stream().filter(e -> e.key().backupName().equals(backupName)).toList();
        if (named.isEmpty()) {
            return Optional.empty();
        }
        LocalDateTime newestKey = named.stream().map(e -> e.key().time()).max(Comparator.naturalOrder()).orElseThrow();
        LocalDateTime horizon = newestKey.minus(SNAPSHOT_LAG);
        Entry best = null;
        Instant bestSnapshot = null;
        for (Entry entry : named) {
            if (entry.key().time().isBefore(horizon)) {
                continue;
            }
            Instant snapshot = snapshotTime(entry);
            if (best == null || snapshot.isAfter(bestSnapshot)
                    || (snapshot.equals(bestSnapshot) && entry.key().key().compareTo(best.key().key()) > 0)) {
                best = entry;
                bestSnapshot = snapshot;
            }
        }
        return Optional.of(best);
    }

    /**
     * A backup key, or "latest" for the newest complete backup named {@code backupName}. Without
     * a name, "latest" is accepted only when every complete backup in the repository has the same
     * name, so it can never pick another database's backup. Fails naming the key when it is not a
     * backup, is absent or has no manifest.
     */
    public String resolve(String keyOrLatest, String backupName) {
        if (!LATEST.equals(keyOrLatest)) {
            return resolve(keyOrLatest);
        }
        String name = backupName == null || backupName.isBlank() ? onlyBackupName() : backupName;
        return latest(name).map(e -> e.key().key()).orElseThrow(() -> new BackupNotFoundException(
                "there are no complete backups named " + name + " in " + store.location()));
    }

    /**
     * A backup key, checked: it names a backup object (not a sidecar), the object exists and so
     * does its manifest. "latest" is refused here: it needs a backup name
     * ({@link #resolve(String, String)}).
     */
    public String resolve(String key) {
        if (LATEST.equals(key)) {
            throw new InvalidRequestException("'latest' needs the backup name (like auth-db) to choose among the"
                    + " backups in " + store.location());
        }
        if (BackupKey.parse(key).isEmpty()) {
            throw new InvalidRequestException("'" + key + "' is not a backup key (like"
                    + " daily/auth-db-backup-2026-11-24.sql.gz); `pgvault list` shows the backups in " + store.location());
        }
        if (store.stat(key).isEmpty()) {
            throw new BackupNotFoundException("no backup " + key + " in " + store.location());
        }
        if (store.stat(Sidecar.MANIFEST.keyFor(key)).isEmpty()) {
            throw new BackupNotFoundException("backup " + key + " has no manifest: the run that wrote it"
                    + " did not finish, so it is not a backup");
        }
        return key;
    }

    public Manifest manifest(String key) {
        String manifestKey = Sidecar.MANIFEST.keyFor(key);
        return ManifestCodec.decode(store.read(manifestKey), manifestKey);
    }

    private Instant snapshotTime(Entry entry) {
        Instant snapshot = manifest(entry.key().key()).snapshotTime();
        return snapshot != null ? snapshot : entry.key().instant();
    }

    private String onlyBackupName() {
        TreeSet<String> names = new TreeSet<>();
        for (Entry entry : list()) {
            names.add(entry.key().backupName());
        }
        if (names.size() > 1) {
            throw new InvalidRequestException("'latest' needs the backup name: " + store.location()
                    + " holds backups of " + String.join(", ", names));
        }
        if (names.isEmpty()) {
            throw new BackupNotFoundException("there are no complete backups in " + store.location());
        }
        return names.first();
    }

    private record Scan(List<Entry> complete, List<Incomplete> incomplete) {}

    private Scan scan() {
        Map<String, StoredObject> byKey = new HashMap<>();
        for (StoredObject object : store.list("")) {
            byKey.put(object.key(), object);
        }
        List<Entry> complete = new ArrayList<>();
        List<Incomplete> incomplete = new ArrayList<>();
        for (StoredObject object : byKey.values()) {
            Optional<BackupKey> key = BackupKey.parse(object.key());
            if (key.isEmpty()) {
                continue;
            }
            if (byKey.containsKey(Sidecar.MANIFEST.keyFor(object.key()))) {
                complete.add(new Entry(key.get(), object,
                        Optional.ofNullable(byKey.get(Sidecar.VERIFICATION.keyFor(object.key())))));
            } else {
                incomplete.add(new Incomplete(object.key(), object.size(), object.lastModified(), Why.NO_MANIFEST));
            }
        }
        complete.sort(Comparator.comparing((Entry e) -> e.key().time()).thenComparing(e -> e.key().key()));
        return new Scan(complete, incomplete);
    }
}
