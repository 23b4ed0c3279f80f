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
public record BackupConfig(String bucket, String prefix, String backupName, String databaseSecret, String signingKey,
                           String databaseName, int compressionLevel, Duration lockTimeout, String metricsNamespace,
                           EncryptionConfig encryption, boolean keepOwnersAndPrivileges, boolean allowEmpty,
                           Duration watchdogMargin, String activeEndpointParameter) {

    public static final String BUCKET = "PGVAULT_BUCKET";
    public static final String PREFIX = "PGVAULT_PREFIX";
    public static final String BACKUP_NAME = "PGVAULT_BACKUP_NAME";
    public static final String DATABASE_SECRET = "PGVAULT_DATABASE_SECRET_ARN";
    /** The asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) that signs every manifest. */
    public static final String SIGNING_KEY = "PGVAULT_SIGNING_KEY_ARN";
    /** The database to back up when the secret names none (the RDS console's default secret has no dbname). */
    public static final String DATABASE_NAME = "PGVAULT_DATABASE_NAME";
    /** "true" backs up a database that holds no user tables (refused by default: usually the wrong database). */
    public static final String ALLOW_EMPTY = "PGVAULT_ALLOW_EMPTY";
    /** How long before the function's deadline the watchdog stops a backup (default 60 s). */
    public static final String WATCHDOG_MARGIN_SECONDS = "PGVAULT_WATCHDOG_MARGIN_SECONDS";
    public static final String COMPRESSION_LEVEL = "PGVAULT_COMPRESSION_LEVEL";
    public static final String LOCK_TIMEOUT_SECONDS = "PGVAULT_LOCK_TIMEOUT_SECONDS";
    public static final String METRICS_NAMESPACE = "POWERTOOLS_METRICS_NAMESPACE";
    /** "true" writes OWNER TO and GRANT/REVOKE into backups (default "false": restorable by any role). */
    public static final String KEEP_OWNERS_AND_PRIVILEGES = "PGVAULT_KEEP_OWNERS_AND_PRIVILEGES";

    /**
     * The SSM parameter recording the database the application uses since its last repoint
     * ({@link dev.pgvault.repoint.ActiveEndpoint}); when set, a backup of any other database fails.
     */
    public static final String ACTIVE_ENDPOINT_PARAMETER = dev.pgvault.repoint.ActiveEndpoint.PARAMETER_VARIABLE;

    /** What the template must set for this function. */
    public static final List<String> REQUIRED_VARIABLES = List.of(BUCKET, BACKUP_NAME, DATABASE_SECRET, SIGNING_KEY);

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
                env.required(SIGNING_KEY),
                env.optional(DATABASE_NAME).orElse(null),
                env.integer(COMPRESSION_LEVEL, Compression.DEFAULT_LEVEL, 1, 9),
                Duration.ofSeconds(env.integer(LOCK_TIMEOUT_SECONDS, 60, 1, 3600)),
                env.optional(METRICS_NAMESPACE, "pgvault"),
                EncryptionConfig.from(env),
                flag(env, KEEP_OWNERS_AND_PRIVILEGES),
                flag(env, ALLOW_EMPTY),
                Duration.ofSeconds(env.integer(WATCHDOG_MARGIN_SECONDS, 60, 1, 600)),
                env.optional(ACTIVE_ENDPOINT_PARAMETER).orElse(null));
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
