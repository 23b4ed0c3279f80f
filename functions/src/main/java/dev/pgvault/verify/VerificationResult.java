package dev.pgvault.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** What a verification found, with details naming tables or causes. */
public record VerificationResult(String key, VerificationStatus status, List<String> details, Instant checkedAt,
                                 Duration duration) {
    public boolean ok() {
        return status == VerificationStatus.OK;
    }
}
