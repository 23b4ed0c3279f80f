package dev.pgvault.backup;

import dev.pgvault.archive.crypto.Encryptor;
import dev.pgvault.code.GitSource;
import java.nio.file.Path;

/**
 * What one source-code backup run fetches and where it works.
 *
 * @param name    the code's name in keys ({@code code/<name>-YYYY-MM-DD.tar.gz})
 * @param scratch where the repository is fetched to (Lambda: /tmp), deleted after
 */
public record CodeBackupRequest(GitSource source, String name, Encryptor encryptor, int compressionLevel,
                                String owner, Path scratch) {}
