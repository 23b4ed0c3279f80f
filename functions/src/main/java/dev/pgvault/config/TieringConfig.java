package dev.pgvault.config;

import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.retention.ArtifactPolicies;
import dev.pgvault.retention.RetentionPolicy;
import java.time.Duration;
import java.util.List;

/** The tiering function's configuration, read once from its environment; every number of the policy is one variable. */
public record TieringConfig(String bucket, String prefix, String backupName, RetentionPolicy policy,
                            ArtifactPolicies artifacts, Duration watchdogMargin, String metricsNamespace) {

    public static final String BUCKET = BackupConfig.BUCKET;
    public static final String PREFIX = BackupConfig.PREFIX;
    public static final String BACKUP_NAME = BackupConfig.BACKUP_NAME;
    public static final String DAILY_DAYS = "PGVAULT_RETENTION_DAILY_DAYS";
    public static final String WEEKLY_WEEKS = "PGVAULT_RETENTION_WEEKLY_WEEKS";
    public static final String MONTHLY_MONTHS = "PGVAULT_RETENTION_MONTHLY_MONTHS";
    public static final String YEARLY_YEARS = "PGVAULT_RETENTION_YEARLY_YEARS";
    public static final String KEEP_VERIFIED = "PGVAULT_RETENTION_KEEP_VERIFIED";
    /** The largest share of the name's backups one run may delete, in percent. */
    public static final String MAX_DELETE_PERCENT = "PGVAULT_RETENTION_MAX_DELETE_PERCENT";
    /** Configuration backups: every one of this many days is kept (the floor and share limit are the ones above). */
    public static final String CONFIG_DAYS = "PGVAULT_RETENTION_CONFIG_DAYS";
    /** Code backups: the newest of each of this many ISO weeks is kept. */
    public static final String CODE_WEEKS = "PGVAULT_RETENTION_CODE_WEEKS";
    public static final String WATCHDOG_MARGIN_SECONDS = BackupConfig.WATCHDOG_MARGIN_SECONDS;
    public static final String METRICS_NAMESPACE = BackupConfig.METRICS_NAMESPACE;

    /** What the template must set for this function. */
    public static final List<String> REQUIRED_VARIABLES = List.of(BUCKET, BACKUP_NAME, DAILY_DAYS, WEEKLY_WEEKS,
            MONTHLY_MONTHS, YEARLY_YEARS, KEEP_VERIFIED, MAX_DELETE_PERCENT, CONFIG_DAYS, CODE_WEEKS);

    public static TieringConfig from(Environment env) {
        String backupName = env.optional(BACKUP_NAME, "auth-db");
        try {
            BackupKey.checkName(backupName);
        } catch (ConfigurationException e) {
            throw new ConfigurationException("environment variable " + BACKUP_NAME + ": " + e.getMessage());
        }
        RetentionPolicy defaults = RetentionPolicy.DEFAULTS;
        RetentionPolicy policy = new RetentionPolicy(
                env.integer(DAILY_DAYS, defaults.dailyDays(), 1, 3660),
                env.integer(WEEKLY_WEEKS, defaults.weeklyWeeks(), 0, 520),
                env.integer(MONTHLY_MONTHS, defaults.monthlyMonths(), 0, 1200),
                env.integer(YEARLY_YEARS, defaults.yearlyYears(), 0, 100),
                env.integer(KEEP_VERIFIED, defaults.keepVerified(), 0, 1000),
                env.integer(MAX_DELETE_PERCENT, (int) Math.round(defaults.maxDeleteShare() * 100), 1, 100) / 100.0);
        ArtifactPolicies artifacts = new ArtifactPolicies(
                env.integer(CONFIG_DAYS, ArtifactPolicies.DEFAULT_CONFIG_DAYS, 1, 3660),
                env.integer(CODE_WEEKS, ArtifactPolicies.DEFAULT_CODE_WEEKS, 1, 520),
                policy.keepVerified(), policy.maxDeleteShare());
        return new TieringConfig(env.required(BUCKET), env.optional(PREFIX, ""), backupName, policy, artifacts,
                Duration.ofSeconds(env.integer(WATCHDOG_MARGIN_SECONDS, 30, 1, 600)),
                env.optional(METRICS_NAMESPACE, "pgvault"));
    }
}
