package dev.pgvault.erasure;

import dev.pgvault.repository.BackupCatalog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What an auditor asks of the ledger: for each erasure, which backups still hold the subject (those
 * whose snapshot was taken before the erasure was recorded; a restore of them erases the subject
 * again) and when each of them goes. Built from keys, times and manifests only: no subject is read.
 */
public final class ErasureReport {
    /**
     * How long a backup is kept. The retention planner (package {@code retention}) answers this; until it
     * is wired in, every backup's expiry is "per retention policy".
     */
    @FunctionalInterface
    public interface Expiry {
        String of(BackupCatalog.Entry backup);

        Expiry PER_POLICY = backup -> "per retention policy";
    }

    /** A backup that holds an erased subject. */
    public record Holder(String key, Instant snapshotTime, String storageClass, String expires) {}

    /** One erasure and the backups that hold its subject. */
    public record Row(ErasureLedger.Listed entry, List<Holder> backups) {}

    private ErasureReport() {}

    /** One row per entry, oldest first; each entry's holders oldest first. */
    public static List<Row> of(List<ErasureLedger.Listed> entries, BackupCatalog catalog, Expiry expiry) {
        List<BackupCatalog.Entry> backups = catalog.list();
        List<Holder> all = new ArrayList<>();
        for (BackupCatalog.Entry backup : backups) {
            all.add(new Holder(backup.key().key(), snapshotTime(catalog, backup), backup.object().storageClass(),
                    expiry.of(backup)));
        }
        all.sort(Comparator.comparing(Holder::snapshotTime).thenComparing(Holder::key));
        List<Row> rows = new ArrayList<>();
        for (ErasureLedger.Listed entry : entries) {
            rows.add(new Row(entry, all.stream().filter(h -> h.snapshotTime().isBefore(entry.recordedAt())).toList()));
        }
        return rows;
    }

    /** The manifest's snapshot time; the key's time when the manifest cannot be read (still a backup of that day). */
    private static Instant snapshotTime(BackupCatalog catalog, BackupCatalog.Entry backup) {
        try {
            Instant snapshot = catalog.manifest(backup.key().key()).snapshotTime();
            return snapshot != null ? snapshot : backup.key().instant();
        } catch (RuntimeException e) {
            return backup.key().instant();
        }
    }
}
