package dev.pgvault.restore;

import dev.pgvault.erasure.LedgerApplier;
import dev.pgvault.verify.VerificationResult;
import java.time.Duration;

/**
 * What a restore did. {@code verification} is null when the source had no manifest to check against;
 * {@code erasure} is what the repository's erasure ledger changed before the data was committed
 * ({@link LedgerApplier.Applied#NOTHING} for a script file, which has no repository).
 */
public record RestoreReport(String source, String target, long tables, long rows, Duration duration,
                            VerificationResult verification, String producer, LedgerApplier.Applied erasure) {
    public RestoreReport {
        erasure = erasure == null ? LedgerApplier.Applied.NOTHING : erasure;
    }

    public RestoreReport(String source, String target, long tables, long rows, Duration duration,
                         VerificationResult verification, String producer) {
        this(source, target, tables, rows, duration, verification, producer, LedgerApplier.Applied.NOTHING);
    }
}
