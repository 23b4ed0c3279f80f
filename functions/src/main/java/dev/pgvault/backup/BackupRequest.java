package dev.pgvault.backup;

import dev.pgvault.archive.Compression;
import dev.pgvault.archive.crypto.Encryptor;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.repository.BackupKind;
import java.time.Duration;

/**
 * One backup to take.
 *
 * @param encryptor how the compressed stream is encrypted ({@link Encryptors#none()} for not at all);
 *                  its mode names the object (".enc", ".gpg")
 * @param lease     how long this run may hold the key's lock (a Lambda: its remaining time)
 */
public record BackupRequest(BackupKind kind, String backupName, Compression compression, int compressionLevel,
                            Encryptor encryptor, Duration lease) {

    public static BackupRequest unencrypted(BackupKind kind, String backupName, int compressionLevel, Duration lease) {
        return new BackupRequest(kind, backupName, Compression.GZIP, compressionLevel, Encryptors.none(), lease);
    }
}
