package dev.pgvault.config;

import dev.pgvault.archive.Compression;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.repository.BackupKey;
import java.time.Duration;
import java.util.List;

/**
 * The backup function's configuration, read from its environment once at start and validated
 * before any work. Secrets are references (a Secrets Manager ARN), never values.
 */
public record BackupConfig(String bucket, String prefix, String backupName, String databaseSecret,
                           int compressionLevel, Duration lockTimeout, String metricsNamespace,
                           EncryptionConfig encryption, boolean keepOwnersAndPrivileges) {

    public static final String BUCKET = "PGVAULT_BUCKET";
    public static final String PREFIX = "PGVAULT_PREFIX";
    public static final String BACKUP_NAME = "PGVAULT_BACKUP_NAME";
    public static final String DATABASE_SECRET = "PGVAULT_DATABASE_SECRET_ARN";
    public static final String COMPRESSION_LEVEL = "PGVAULT_COMPRESSION_LEVEL";
    public static final String LOCK_TIMEOUT_SECONDS = "PGVAULT_LOCK_TIMEOUT_SECONDS";
    public static final String METRICS_NAMESPACE = "POWERTOOLS_METRICS_NAMESPACE";
    /** "true" writes OWNER TO and GRANT/REVOKE into backups (default "false": restorable by any role). */
    public static final String KEEP_OWNERS_AND_PRIVILEGES = "PGVAULT_KEEP_OWNERS_AND_PRIVILEGES";

    /** What the template must set for this function. */
    public static final List<String> REQUIRED_VARIABLES = List.of(BUCKET, BACKUP_NAME, DATABASE_SECRET);

    public static BackupConfig from(Environment env) {
        String backupName = env.optional(BACKUP_NAME, "auth-db");
        try {
            BackupKey.checkName(backupName);
        } catch (dev.pgvault.errors.ConfigurationException e) {
            throw new dev.pgvault.errors.ConfigurationException("environment variable " + BACKUP_NAME + ": "
                    + e.getMessage());
        }
        return new BackupConfig(
                env.required(BUCKET),
                env.optional(PREFIX, ""),
                backupName,
                env.required(DATABASE_SECRET),
                env.integer(COMPRESSION_LEVEL, Compression.DEFAULT_LEVEL, 1, 9),
                Duration.ofSeconds(env.integer(LOCK_TIMEOUT_SECONDS, 60, 1, 3600)),
                env.optional(METRICS_NAMESPACE, "pgvault"),
                EncryptionConfig.from(env),
                flag(env, KEEP_OWNERS_AND_PRIVILEGES));
    }

    /** How the dump is taken. */
    public DumpOptions dumpOptions() {
        return new DumpOptions(lockTimeout, keepOwnersAndPrivileges);
    }

    private static boolean flag(Environment env, String name) {
        String value = env.optional(name, "false").strip();
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new dev.pgvault.errors.ConfigurationException("environment variable " + name
                    + " must be true or false, got '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }
}
