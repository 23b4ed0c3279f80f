package dev.pgvault.backup;

import dev.pgvault.archive.BackupStream;
import dev.pgvault.archive.Compression;
import dev.pgvault.repository.BackupKind;
import java.time.Duration;
import java.util.Map;

/**
 * One backup to take.
 *
 * @param lease           how long this run may hold the key's lock (a Lambda: its remaining time)
 * @param encryption      the stage that encrypts the compressed stream ({@link BackupStream.Layer#NONE} for none)
 * @param encryptionSuffix appended to the key (".enc", ".gpg", or "")
 * @param encryptionInfo  recorded in the manifest (mode and public parameters, never keys)
 */
public record BackupRequest(BackupKind kind, String backupName, Compression compression, int compressionLevel,
                            BackupStream.Layer encryption, String encryptionSuffix,
                            java.util.function.Supplier<Map<String, Object>> encryptionInfo, Duration lease) {

    public static BackupRequest unencrypted(BackupKind kind, String backupName, int compressionLevel, Duration lease) {
        return new BackupRequest(kind, backupName, Compression.GZIP, compressionLevel, BackupStream.Layer.NONE, "",
                () -> Map.of("mode", "none"), lease);
    }
}
