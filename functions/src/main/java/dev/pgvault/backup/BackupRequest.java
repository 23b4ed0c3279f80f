package dev.pgvault.backup;

import dev.pgvault.archive.Compression;
import dev.pgvault.archive.crypto.Encryptor;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.repository.BackupKind;

/**
 * One backup to take.
 *
 * @param encryptor  how the compressed stream is encrypted ({@link Encryptors#none()} for not at all);
 *                   its mode names the object (".enc", ".gpg")
 * @param owner      who runs it, as other runs finding the key locked will be told (host and
 *                   process, or the Lambda request); see {@link RunOwner}
 * @param allowEmpty back up a database holding no user tables (refused by default: it is
 *                   almost always the wrong database)
 */
public record BackupRequest(BackupKind kind, String backupName, Compression compression, int compressionLevel,
                            Encryptor encryptor, String owner, boolean allowEmpty) {

    public static BackupRequest unencrypted(BackupKind kind, String backupName, int compressionLevel) {
        return new BackupRequest(kind, backupName, Compression.GZIP, compressionLevel, Encryptors.none(),
                RunOwner.thisProcess(), false);
    }
}
