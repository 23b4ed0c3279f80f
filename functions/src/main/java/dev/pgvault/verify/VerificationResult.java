package dev.pgvault.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a verification found, with details naming tables, checks or causes.
 *
 * @param duration      the whole check of this backup, from reading the manifest to the last user check
 * @param restoreTime   how long the restore took (the logical RTO for this size); null when nothing was restored
 * @param bytesVerified stored bytes whose SHA-256 was checked to the end (0 when none were)
 */
public record VerificationResult(String key, VerificationStatus status, List<String> details, Instant checkedAt,
                                 Duration duration, Duration restoreTime, long bytesVerified) {
    public VerificationResult {
        details = List.copyOf(details);
    }

    /** A result without restore figures (a restore's own check against the manifest). */
    public VerificationResult(String key, VerificationStatus status, List<String> details, Instant checkedAt,
                              Duration duration) {
        this(key, status, details, checkedAt, duration, null, 0);
    }

    public boolean ok() {
        return status == VerificationStatus.OK;
    }

    /** The same result with another status and more details (findings about the repository). */
    public VerificationResult with(VerificationStatus newStatus, List<String> moreDetails) {
        List<String> all = new java.util.ArrayList<>(details);
        all.addAll(moreDetails);
        return new VerificationResult(key, newStatus, all, checkedAt, duration, restoreTime, bytesVerified);
    }
}
