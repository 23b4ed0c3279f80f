package dev.pgvault.archive.crypto;

import dev.pgvault.errors.IntegrityException;
import dev.pgvault.errors.TamperedBackupException;
import dev.pgvault.errors.TruncatedBackupException;
import java.io.IOException;

/**
 * Names the cause when a stored object cannot be decoded. Decoders fail in many ways on bad bytes
 * (an end of stream mid-packet, a garbled length, a bad checksum); what an operator needs to know is
 * whether bytes are missing (a partial upload or download: fetch again) or changed (tampering or
 * corruption: use another backup). The stored length decides: the manifest records it.
 */
final class DamageVerdict {
    private DamageVerdict() {
    }

    /**
     * The exception to throw for a decoding failure on {@code counted}'s bytes. If the store itself
     * failed to deliver bytes, that {@link IOException} is thrown here instead: it says nothing
     * about the backup.
     */
    static IntegrityException of(String mode, String problem, CountingInputStream counted, Long recordedBytes,
            Throwable cause) throws IOException {
        if (counted.storeFailure() != null) {
            throw counted.storeFailure();
        }
        if (counted.reachedEnd() && (recordedBytes == null || counted.count() < recordedBytes)) {
            return truncated(mode, counted.count(), recordedBytes, cause);
        }
        String detail = cause == null || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")";
        return new TamperedBackupException(mode + "-encrypted backup is damaged or was altered: " + problem
                + " (noticed after reading " + counted.count() + " stored bytes)" + detail, cause);
    }

    static TruncatedBackupException truncated(String mode, long read, Long recordedBytes, Throwable cause) {
        String expected = recordedBytes == null ? "" : " of the " + recordedBytes + " the manifest records";
        return new TruncatedBackupException(mode + "-encrypted backup is truncated: it ends after " + read
                + " bytes" + expected, cause);
    }
}
