package dev.pgvault.verify;

import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.BackupStore;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * When a backup of a name last verified, from the records beside the backups: what "hours since
 * the last successful verification" is measured from, by the verification function after each run
 * and daily (so that an alarm notices a verification that stopped running).
 */
public final class VerificationHistory {
    /** How many records to read, newest first, before giving up (a long run of failures). */
    static final int MAX_RECORDS = 60;

    private VerificationHistory() {}

    public static Optional<Instant> lastSuccess(BackupStore store, String backupName) {
        List<BackupCatalog.Entry> recorded = new BackupCatalog(store).list().stream()
                .filter(e -> e.key().backupName().equals(backupName) && e.verification().isPresent())
                .sorted(Comparator.comparing((BackupCatalog.Entry e) -> e.verification().get().lastModified())
                        .reversed())
                .limit(MAX_RECORDS)
                .toList();
        Instant newest = null;
        for (BackupCatalog.Entry entry : recorded) {
            Optional<VerificationRecord> record = VerificationRecord.load(store, entry.key().key());
            if (record.isPresent() && VerificationStatus.OK.name().equals(record.get().status())
                    && (newest == null || record.get().checkedAt().isAfter(newest))) {
                newest = record.get().checkedAt();
            }
        }
        return Optional.ofNullable(newest);
    }
}
