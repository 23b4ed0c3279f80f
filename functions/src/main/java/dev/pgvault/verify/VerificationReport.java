package dev.pgvault.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What one verification run found.
 *
 * @param result           the verdict: the requested (or newest) backup's own result, or the
 *                         repository's finding (STALE, SUSPICIOUS_SIZE) when the backup itself is fine
 * @param attempts         every backup checked, newest first: more than one when the newest failed and
 *                         older ones were tried; each was recorded beside its backup
 * @param backupName       whose backups
 * @param newestGood       the newest backup that verified (OK or integrity-only), or null when none did
 * @param newestGoodSnapshot its snapshot time
 * @param rpo              how old the newest good backup is now: the data a restore from backups would lose
 * @param previousFailure  the status of the last verification before this run when it had failed
 *                         (so a success now is a recovery), else null
 * @param findings         what was found about the repository beside the backup's own verdict:
 *                         {@link VerificationStatus#STALE}, {@link VerificationStatus#SUSPICIOUS_SIZE}
 */
public record VerificationReport(VerificationResult result, List<VerificationResult> attempts, String backupName,
                                 String newestGood, Instant newestGoodSnapshot, Duration rpo,
                                 VerificationStatus previousFailure, List<VerificationStatus> findings) {
    public VerificationReport {
        attempts = List.copyOf(attempts);
        findings = List.copyOf(findings);
    }

    public VerificationStatus status() {
        return result.status();
    }

    public boolean ok() {
        return result.ok();
    }

    /** Whether the newest backup failed and an older one was verified in its place. */
    public boolean fellBack() {
        return newestGood != null && !attempts.isEmpty() && !newestGood.equals(attempts.get(0).key());
    }

    /** The restore time of the backup the verdict is about, or null when none was restored. */
    public Duration restoreTime() {
        return result.restoreTime();
    }

    /** Stored bytes checked to the end, all attempts together. */
    public long bytesVerified() {
        return attempts.stream().mapToLong(VerificationResult::bytesVerified).sum();
    }
}
