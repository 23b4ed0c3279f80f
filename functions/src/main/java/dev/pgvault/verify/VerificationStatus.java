package dev.pgvault.verify;

/** The outcome of checking a backup; the caller decides what alarms. */
public enum VerificationStatus {
    /** Restored, and every table matched the manifest. */
    OK,
    /** The backup object or its manifest is not in the repository. */
    MISSING,
    /** The stored bytes do not match the manifest's SHA-256 (damage or tampering). */
    CHECKSUM_MISMATCH,
    /** The script could not be applied. */
    RESTORE_FAILED,
    /** Applied, but row counts or content hashes differ from the manifest. */
    CONTENT_MISMATCH
}
