package dev.pgvault.config;

import dev.pgvault.archive.crypto.Decryptor;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.repository.ArchiveRetrieval;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.verify.VerificationPolicy;
import java.time.Duration;
import java.util.List;

/**
 * The verification function's configuration, read once from its environment. Every secret is a
 * reference (Secrets Manager ARN or {@code ssm:/parameter}), never a value: the scratch server's
 * credentials, the Slack webhook URL, the PagerDuty routing key, the decryption key.
 *
 * @param scratchSecret     the scratch server (RDS-style JSON or a URL); its database is the one
 *                          connected to for CREATE/DROP DATABASE, {@code postgres} when it names none
 * @param checks            the user checks document: {@code ssm:/parameter}, an SSM ARN or
 *                          {@code s3://bucket/key}; null for none
 * @param decryption        how to open encrypted backups: none, openssl (passphrase reference) or pgp
 *                          (reference to an armored secret key, optionally with a passphrase reference)
 */
public record VerificationConfig(String bucket, String prefix, String backupName, String signingKey,
                                 String scratchSecret, String checks, String slackWebhookSecret, boolean slackOnSuccess,
                                 String pagerDutyRoutingKeySecret, String pagerDutySource, String noticeTopic,
                                 EncryptionConfig.Mode decryption, String decryptionKeyRef, String decryptionPassphraseRef,
                                 VerificationPolicy policy, Duration watchdogMargin, String metricsNamespace,
                                 ArchiveRetrieval.Speed retrievalSpeed) {

    public static final String BUCKET = BackupConfig.BUCKET;
    public static final String PREFIX = BackupConfig.PREFIX;
    public static final String BACKUP_NAME = BackupConfig.BACKUP_NAME;
    public static final String SIGNING_KEY = BackupConfig.SIGNING_KEY;
    public static final String SCRATCH_SECRET = "PGVAULT_SCRATCH_SECRET_ARN";
    public static final String CHECKS = "PGVAULT_VERIFY_CHECKS_REF";
    public static final String SLACK_WEBHOOK_SECRET = "PGVAULT_SLACK_WEBHOOK_SECRET_ARN";
    public static final String SLACK_ON_SUCCESS = "PGVAULT_SLACK_ON_SUCCESS";
    public static final String PAGERDUTY_SECRET = "PGVAULT_PAGERDUTY_ROUTING_KEY_SECRET_ARN";
    /** What PagerDuty shows as the source: the function's name by default. */
    public static final String PAGERDUTY_SOURCE = "PGVAULT_PAGERDUTY_SOURCE";
    public static final String NOTICE_TOPIC = "PGVAULT_NOTICE_TOPIC_ARN";
    public static final String DECRYPTION = EncryptionConfig.MODE;
    /** openssl: the passphrase; pgp: the armored secret key. */
    public static final String DECRYPTION_KEY_REF = DecryptionConfig.KEY_REF;
    /** pgp: the secret key's passphrase, if it has one. */
    public static final String DECRYPTION_PASSPHRASE_REF = DecryptionConfig.PASSPHRASE_REF;
    public static final String FRESHNESS_HOURS = "PGVAULT_FRESHNESS_HOURS";
    /** Assumed restore speed, to choose an integrity-only pass for a backup too large for the time left. */
    public static final String RESTORE_MIB_PER_SECOND = "PGVAULT_RESTORE_MIB_PER_SECOND";
    public static final String WATCHDOG_MARGIN_SECONDS = BackupConfig.WATCHDOG_MARGIN_SECONDS;
    public static final String METRICS_NAMESPACE = BackupConfig.METRICS_NAMESPACE;
    /** How fast a backup named by key that is in Glacier or Deep Archive is retrieved: expedited, standard, bulk. */
    public static final String RETRIEVAL_TIER = "PGVAULT_RETRIEVAL_TIER";

    /** What the template must set for this function. */
    public static final List<String> REQUIRED_VARIABLES = List.of(BUCKET, BACKUP_NAME, SIGNING_KEY, SCRATCH_SECRET);

    public static VerificationConfig from(Environment env) {
        String backupName = env.optional(BACKUP_NAME, "auth-db");
        try {
            BackupKey.checkName(backupName);
        } catch (ConfigurationException e) {
            throw new ConfigurationException("environment variable " + BACKUP_NAME + ": " + e.getMessage());
        }
        DecryptionConfig decrypting = DecryptionConfig.from(env);
        String checks = env.optional(CHECKS).orElse(null);
        if (checks != null && !checks.startsWith("ssm:") && !checks.startsWith("s3://")
                && !checks.matches("^arn:aws[a-z-]*:ssm:.*")) {
            throw new ConfigurationException("environment variable " + CHECKS + " must be ssm:/parameter, an SSM"
                    + " parameter ARN or s3://bucket/key, got '" + checks + "'");
        }
        VerificationPolicy policy = VerificationPolicy.defaults()
                .withFreshness(Duration.ofHours(env.integer(FRESHNESS_HOURS, 26, 1, 24 * 14)))
                .withRestoreBytesPerSecond(env.integer(RESTORE_MIB_PER_SECOND, 20, 1, 10_000) * 1024L * 1024L);
        return new VerificationConfig(
                env.required(BUCKET),
                env.optional(PREFIX, ""),
                backupName,
                env.required(SIGNING_KEY),
                env.required(SCRATCH_SECRET),
                checks,
                env.optional(SLACK_WEBHOOK_SECRET).orElse(null),
                flag(env, SLACK_ON_SUCCESS),
                env.optional(PAGERDUTY_SECRET).orElse(null),
                env.optional(PAGERDUTY_SOURCE).orElse(null),
                env.optional(NOTICE_TOPIC).orElse(null),
                decrypting.mode(), decrypting.keyRef(), decrypting.passphraseRef(),
                policy,
                Duration.ofSeconds(env.integer(WATCHDOG_MARGIN_SECONDS, 60, 1, 600)),
                env.optional(METRICS_NAMESPACE, "pgvault"),
                env.choice(RETRIEVAL_TIER, ArchiveRetrieval.Speed.class, ArchiveRetrieval.Speed.STANDARD));
    }

    /** The scratch server from its secret; {@code postgres} is the maintenance database when it names none. */
    public DatabaseTarget scratchServer(SecretResolver secrets) {
        return DatabaseTarget.parseSecret(secrets.resolve(scratchSecret), "secret " + scratchSecret, "postgres");
    }

    /** Opens the backups with the configured key (read once through the resolver). */
    public Decryptor decryptor(SecretResolver secrets) {
        return new DecryptionConfig(decryption, decryptionKeyRef, decryptionPassphraseRef).decryptor(secrets);
    }

    private static boolean flag(Environment env, String name) {
        String value = env.optional(name, "false").strip();
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw new ConfigurationException("environment variable " + name + " must be true or false, got '"
                    + value + "'");
        }
        return Boolean.parseBoolean(value);
    }
}
