package dev.pgvault.backup;

import dev.pgvault.archive.UploadManifest;
import java.util.List;

/**
 * How the writing of one configuration or code backup ended when it did not fail; the same
 * statuses as a database backup's {@link BackupOutcome}.
 *
 * @param manifest the new manifest when written, the existing one when already complete; null when held
 * @param holder   the run holding the key's lock when held; else null
 */
public record UploadOutcome(BackupOutcome.Status status, String key, UploadManifest manifest,
                            BackupOutcome.LockHolder holder) {
    public boolean written() {
        return status == BackupOutcome.Status.WRITTEN;
    }

    /** Whether no backup needed writing under this key (a duplicate delivery, or another run at it). */
    public static boolean allSkipped(List<UploadOutcome> outcomes) {
        return outcomes.stream().noneMatch(UploadOutcome::written);
    }
}
