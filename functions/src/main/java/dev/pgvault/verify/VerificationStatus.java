package dev.pgvault.verify;

import java.util.Locale;

/**
 * The outcome of checking a backup; the caller decides what alarms. Every value but {@link #OK}
 * and {@link #INTEGRITY_ONLY} is a failure that a notice reports.
 */
public enum VerificationStatus {
    /** Restored, every table matched the manifest, every user check passed, fresh and of a plausible size. */
    OK,
    /** The backup object or its manifest is not in the repository (or there is no backup of that name). */
    MISSING,
    /** The newest daily backup is older than the freshness limit (26 hours by default). */
    STALE,
    /** The backup restores, but is less than half the median size of the previous ones. */
    SUSPICIOUS_SIZE,
    /** The stored bytes do not match the manifest's SHA-256 or size (damage, truncation or tampering). */
    CHECKSUM_MISMATCH,
    /** The manifest is unsigned, signed by a key not trusted, altered after signing, unreadable, or moved. */
    SIGNATURE_INVALID,
    /** The key given does not open the backup. */
    DECRYPT_FAILED,
    /** The script could not be applied (or, in an integrity-only pass, not parsed to its end). */
    RESTORE_FAILED,
    /** Applied, but row counts, content hashes or large objects differ from the manifest. */
    CONTENT_MISMATCH,
    /** Restored and matching, but a user check's query failed or did not meet its expectation. */
    CHECK_FAILED,
    /**
     * Too large to restore within the function's time: signature, checksum, decryption and the
     * whole script's syntax were checked, nothing was restored. Not a failure, not a full verification.
     */
    INTEGRITY_ONLY;

    /** Whether this outcome is a failure that pages (everything but OK and INTEGRITY_ONLY). */
    public boolean failed() {
        return this != OK && this != INTEGRITY_ONLY;
    }

    /** The metric dimension value, e.g. "ChecksumMismatch". */
    public String metricValue() {
        StringBuilder out = new StringBuilder();
        for (String part : name().split("_")) {
            out.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }
}
