package dev.pgvault.restore;

import dev.pgvault.verify.VerificationResult;
import java.time.Duration;

/** What a restore did. {@code verification} is null when the source had no manifest to check against. */
public record RestoreReport(String source, String target, long tables, long rows, Duration duration,
                            VerificationResult verification, String producer) {}
