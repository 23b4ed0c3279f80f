package dev.pgvault.config;

import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.repository.BackupKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The restore function's configuration, read once from its environment. Secrets are references:
 * the production instance's credentials (the backup function's {@code DatabaseSecret}), optionally
 * those of another instance a restore may target instead, and the key that opens the backups.
 *
 * @param otherTargetSecret the only other secret an event may name as the restore's server (the
 *                          role may read no other), or null
 * @param budget            the longest restore the function starts: its timeout less a reserve for
 *                          the comparison, the ledger and an undo
 * @param watchdogMargin    how long before the function's time limit a restore still running is
 *                          stopped, so that its new database is dropped rather than left half-restored
 */
public record BackupRestoreConfig(String bucket, String prefix, String backupName, String signingKey,
                                  String databaseSecret, String otherTargetSecret, DecryptionConfig decryption,
                                  Duration budget, Duration watchdogMargin) {
    public static final String BUCKET = BackupConfig.BUCKET;
    public static final String PREFIX = BackupConfig.PREFIX;
    public static final String BACKUP_NAME = BackupConfig.BACKUP_NAME;
    public static final String SIGNING_KEY = BackupConfig.SIGNING_KEY;
    public static final String DATABASE_SECRET = BackupConfig.DATABASE_SECRET;
    public static final String OTHER_TARGET_SECRET = "PGVAULT_RESTORE_TARGET_SECRET_ARN";
    public static final String BUDGET_SECONDS = "PGVAULT_RESTORE_BUDGET_SECONDS";

    public static final List<String> REQUIRED_VARIABLES = List.of(BUCKET, BACKUP_NAME, SIGNING_KEY, DATABASE_SECRET);

    public static BackupRestoreConfig from(Environment env) {
        String backupName = env.optional(BACKUP_NAME, "auth-db");
        try {
            BackupKey.checkName(backupName);
        } catch (ConfigurationException e) {
            throw new ConfigurationException("environment variable " + BACKUP_NAME + ": " + e.getMessage());
        }
        return new BackupRestoreConfig(env.required(BUCKET), env.optional(PREFIX, ""), backupName,
                env.required(SIGNING_KEY), env.required(DATABASE_SECRET), env.optional(OTHER_TARGET_SECRET).orElse(null),
                DecryptionConfig.from(env), Duration.ofSeconds(env.integer(BUDGET_SECONDS, 780, 60, 900)),
                Duration.ofSeconds(env.integer(BackupConfig.WATCHDOG_MARGIN_SECONDS, 60, 1, 600)));
    }

    /**
     * The secret of the server a restore goes to: the production instance's when the event names none,
     * else the one other secret configured. Any other is refused: the function may not read it anyway.
     */
    public String targetSecret(Optional<String> requested) {
        if (requested.isEmpty() || requested.get().equals(databaseSecret)) {
            return databaseSecret;
        }
        if (requested.get().equals(otherTargetSecret)) {
            return otherTargetSecret;
        }
        throw new InvalidRequestException("targetSecretArn " + requested.get() + " is neither the production"
                + " instance's secret nor the RestoreTargetSecretArn the stack was deployed with"
                + (otherTargetSecret == null ? " (none)" : "") + "; nothing was changed");
    }
}
