package dev.pgvault.config;

import dev.pgvault.archive.Compression;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.ObjectLock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The backup function's configuration, read from its environment once at start and validated
 * before any work. Secrets are references (a Secrets Manager ARN), never values.
 *
 * @param objectLock the S3 Object Lock retention put on backups, manifests and signatures; null for none
 */
public record BackupConfig(String bucket, String prefix, String backupName, String databaseSecret, String signingKey,
                           String databaseName, Compression compression, int compressionLevel, int dumpJobs,
                           Duration lockTimeout, String metricsNamespace,
                           EncryptionConfig encryption, boolean keepOwnersAndPrivileges, boolean globals, boolean allowEmpty,
                           Duration watchdogMargin, ObjectLock objectLock, String activeEndpointParameter) {

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
    public static final String COMPRESSION = "PGVAULT_COMPRESSION";
    /** Connections reading table data at once; default: the vCPU share the function's memory buys. */
    public static final String DUMP_JOBS = "PGVAULT_DUMP_JOBS";
    public static final String COMPRESSION_LEVEL = "PGVAULT_COMPRESSION_LEVEL";
    public static final String LOCK_TIMEOUT_SECONDS = "PGVAULT_LOCK_TIMEOUT_SECONDS";
    public static final String METRICS_NAMESPACE = "POWERTOOLS_METRICS_NAMESPACE";
    /** "true" writes OWNER TO and GRANT/REVOKE into backups (default "false": restorable by any role). */
    public static final String KEEP_OWNERS_AND_PRIVILEGES = "PGVAULT_KEEP_OWNERS_AND_PRIVILEGES";
    /** "true" also writes the roles the database needs beside each backup ({@code <key>.globals.sql}). */
    public static final String GLOBALS = "PGVAULT_GLOBALS";
    /**
     * "governance" or "compliance": write backups, manifests and signatures with that S3 Object Lock
     * retention (the bucket must have Object Lock enabled); "none" (the default) for none.
     */
    public static final String OBJECT_LOCK_MODE = "PGVAULT_OBJECT_LOCK_MODE";
    /** Days each backup is retained under Object Lock from its upload; required with a mode other than none. */
    public static final String OBJECT_LOCK_DAYS = "PGVAULT_OBJECT_LOCK_DAYS";
    static final int MAX_OBJECT_LOCK_DAYS = 36_500;

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
        } catch (ConfigurationException e) {
            throw new ConfigurationException("environment variable " + BACKUP_NAME + ": " + e.getMessage());
        }
        Compression compression = compression(env);
        return new BackupConfig(
                env.required(BUCKET),
                env.optional(PREFIX, ""),
                backupName,
                env.required(DATABASE_SECRET),
                env.required(SIGNING_KEY),
                env.optional(DATABASE_NAME).orElse(null),
                compression,
                env.integer(COMPRESSION_LEVEL, compression.defaultLevel(), compression.minLevel(), compression.maxLevel()),
                env.integer(DUMP_JOBS, CpuShare.cores(), 1, 64),
                Duration.ofSeconds(env.integer(LOCK_TIMEOUT_SECONDS, 60, 1, 3600)),
                env.optional(METRICS_NAMESPACE, "pgvault"),
                EncryptionConfig.from(env),
                flag(env, KEEP_OWNERS_AND_PRIVILEGES),
                flag(env, GLOBALS),
                flag(env, ALLOW_EMPTY),
                Duration.ofSeconds(env.integer(WATCHDOG_MARGIN_SECONDS, 60, 1, 600)),
                objectLock(env),
                env.optional(ACTIVE_ENDPOINT_PARAMETER).orElse(null));
    }

    /** The Object Lock retention for uploads, if any. */
    public Optional<ObjectLock> retention() {
        return Optional.ofNullable(objectLock);
    }

    /** {@link #OBJECT_LOCK_MODE} and {@link #OBJECT_LOCK_DAYS}: null for none. */
    static ObjectLock objectLock(Environment env) {
        String mode = env.optional(OBJECT_LOCK_MODE, "none");
        if (mode.equalsIgnoreCase("none")) {
            return null;
        }
        ObjectLock.Mode parsed;
        try {
            parsed = ObjectLock.Mode.parse(mode);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("environment variable " + OBJECT_LOCK_MODE
                    + " must be one of none, governance, compliance, got '" + mode + "'");
        }
        if (env.optional(OBJECT_LOCK_DAYS).isEmpty()) {
            throw new ConfigurationException("environment variable " + OBJECT_LOCK_DAYS + " is required when "
                    + OBJECT_LOCK_MODE + " is " + mode.toLowerCase(java.util.Locale.ROOT)
                    + " (how many days each backup is kept under Object Lock)");
        }
        return ObjectLock.days(parsed, env.integer(OBJECT_LOCK_DAYS, 0, 1, MAX_OBJECT_LOCK_DAYS));
    }

    /** How the dump is taken. */
    public DumpOptions dumpOptions() {
        return new DumpOptions(lockTimeout, keepOwnersAndPrivileges).withJobs(dumpJobs).withGlobals(globals);
    }

    private static boolean flag(Environment env, String name) {
        String value = env.optional(name, "false").strip();
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new ConfigurationException("environment variable " + name
                    + " must be true or false, got '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    /** gzip (the default, what the runbook's gunzip reads) or zstd. */
    private static Compression compression(Environment env) {
        String id = env.optional(COMPRESSION, Compression.GZIP.id());
        try {
            return Compression.fromId(id);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("environment variable " + COMPRESSION + ": " + e.getMessage());
        }
    }
}
