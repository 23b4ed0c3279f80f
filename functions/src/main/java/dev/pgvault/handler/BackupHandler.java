package dev.pgvault.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.signing.KmsManifestSigner;
import dev.pgvault.archive.signing.ManifestSigner;
import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.backup.RunOwner;
import dev.pgvault.config.AwsClients;
import dev.pgvault.config.BackupConfig;
import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.config.Environment;
import dev.pgvault.config.SecretResolver;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.WrongSourceException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.metrics.EmfBackupMetrics;
import dev.pgvault.repoint.ActiveEndpoint;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.S3Store;
import dev.pgvault.run.Cancellation;
import dev.pgvault.run.GuardedRun;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The backup function. The daily schedule invokes it with {@code {"kind": "daily"}} (an
 * EventBridge "Scheduled Event" counts as daily too); {@code {"kind": "manual"}} takes an
 * on-demand backup into {@code manual/}. It answers {@code "status"}: {@code written},
 * {@code already_complete} (a duplicate delivery) or {@code held} (another live run is writing
 * the key); any failure fails the invocation, after the failure metric was emitted.
 *
 * <p>A configuration error found at cold start does not fail the container's start, where no
 * metric could be emitted: it fails each invocation, through the same run wrapper as any other
 * failure, so {@code BackupFailed} hears it.
 */
public final class BackupHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final Supplier<BackupConfig> config;
    private final Supplier<AwsClients> clients;
    private final BackupMetrics metrics;
    private final Clock clock;
    private ManifestSigner signer;

    /** Used by Lambda: configuration from the environment, real AWS clients. */
    public BackupHandler() {
        this(Environment.system(), AwsClients::fromEnvironment, null, Clock.systemUTC());
    }

    /** Configuration read (and its failure remembered) from {@code environment}. */
    public BackupHandler(Environment environment, Supplier<AwsClients> clients, BackupMetrics metrics, Clock clock) {
        this(Deferred.eager(() -> BackupConfig.from(environment)), Deferred.eager(clients),
                metrics != null ? metrics : metricsFor(environment), clock);
    }

    public BackupHandler(BackupConfig config, AwsClients clients, BackupMetrics metrics, Clock clock) {
        this(() -> config, () -> clients, metrics != null ? metrics
                : new EmfBackupMetrics(config.metricsNamespace(), config.backupName()), clock);
    }

    private BackupHandler(Supplier<BackupConfig> config, Supplier<AwsClients> clients, BackupMetrics metrics,
                          Clock clock) {
        this.config = config;
        this.clients = clients;
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> {
            Instant deadline = clock.instant().plusMillis(context.getRemainingTimeInMillis());
            return new GuardedRun(metrics, clock).run(new Cancellation(), deadline, watchdogMargin(),
                    scope -> {
                        BackupKind kind = kindOf(event);
                        scope.kind(kind.toString());
                        return response(backUp(kind, context, scope.cancellation()));
                    });
        });
    }

    private BackupOutcome backUp(BackupKind kind, Context context, Cancellation cancellation) {
        BackupConfig settings = config.get();
        AwsClients aws = clients.get();
        SecretResolver secrets = aws.secretResolver(); // one per invocation: each secret read once
        DatabaseTarget database = DatabaseTarget.parseSecret(secrets.resolve(settings.databaseSecret()),
                "secret " + settings.databaseSecret(), settings.databaseName());
        assertActiveDatabase(settings, aws, database);
        BackupService service = new BackupService(new S3Store(aws.s3(), settings.bucket(), settings.prefix(),
                settings.objectLock()),
                database::connect, metrics, clock, settings.dumpOptions(), signer(aws, settings));
        BackupRequest request = new BackupRequest(kind, settings.backupName(), settings.compression(),
                settings.compressionLevel(), settings.encryption().encryptor(secrets),
                RunOwner.lambda(context.getFunctionName(), context.getAwsRequestId()), settings.allowEmpty());
        return service.run(request, DumpProgress.NONE, cancellation);
    }

    /**
     * When the stack records the application's database (the active endpoint, written after each
     * successful repoint), the database this backup reads must be that one: after a
     * point-in-time restore the secret may still name the abandoned instance, and its nightly
     * dump would "succeed" while production has no backup.
     */
    static void assertActiveDatabase(BackupConfig settings, AwsClients aws, DatabaseTarget database) {
        String parameter = settings.activeEndpointParameter();
        if (parameter == null || parameter.isBlank()) {
            return;
        }
        if (aws.ssm() == null) {
            throw new dev.pgvault.errors.ConfigurationException(BackupConfig.ACTIVE_ENDPOINT_PARAMETER
                    + " is set but no SSM client was given to read " + parameter);
        }
        ActiveEndpoint.read(aws.ssm(), parameter).ifPresent(active -> {
            if (!active.matches(database.host(), database.port(), database.database())) {
                throw new WrongSourceException("secret " + settings.databaseSecret() + " names "
                        + database.host() + ":" + database.port() + "/" + database.database()
                        + ", but the application uses " + active.describe() + " (SSM parameter " + parameter
                        + active.recordedAt().map(t -> ", recorded " + t).orElse("")
                        + "): nothing was backed up. Point the secret at the active database (after a"
                        + " point-in-time restore: update the DatabaseSecret's host, port and dbname), or"
                        + " record the endpoint the application really uses in the parameter");
            }
        });
    }

    /** The KMS signer, built once per container (it reads the key's public half once). */
    private synchronized ManifestSigner signer(AwsClients aws, BackupConfig settings) {
        if (signer == null) {
            signer = new KmsManifestSigner(aws.kms(), settings.signingKey());
        }
        return signer;
    }

    /** The configured margin, or the default when the configuration itself is what failed. */
    private Duration watchdogMargin() {
        try {
            return config.get().watchdogMargin();
        } catch (RuntimeException e) {
            return Duration.ofSeconds(60);
        }
    }

    static BackupKind kindOf(Map<String, Object> event) {
        if (event == null) {
            throw new InvalidRequestException("the event is empty; send {\"kind\": \"daily\"} or {\"kind\": \"manual\"}");
        }
        Object kind = event.get("kind");
        if (kind == null && "Scheduled Event".equals(event.get("detail-type"))) {
            return BackupKind.DAILY;
        }
        if (kind == null) {
            throw new InvalidRequestException("the event has no \"kind\"; send {\"kind\": \"daily\"} or"
                    + " {\"kind\": \"manual\"}");
        }
        BackupKind parsed = BackupKind.parse(kind.toString());
        if (parsed != BackupKind.DAILY && parsed != BackupKind.MANUAL) {
            throw new InvalidRequestException("kind \"" + kind + "\" cannot be requested; weekly, monthly and yearly"
                    + " copies are made by tiering from daily backups");
        }
        return parsed;
    }

    private static Map<String, Object> response(BackupOutcome outcome) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("status", outcome.status().name().toLowerCase(Locale.ROOT));
        response.put("key", outcome.key());
        Manifest manifest = outcome.manifest();
        if (manifest != null) {
            response.put("snapshotTime", manifest.snapshotTime().toString());
            response.put("tables", manifest.tables().size());
            response.put("rows", manifest.totalRows());
            response.put("storedBytes", manifest.storedBytes());
            response.put("sha256", manifest.sha256());
            response.put("durationMillis", manifest.durationMillis());
        }
        if (outcome.holder() != null) {
            Map<String, Object> holder = new LinkedHashMap<>();
            holder.put("runId", outcome.holder().runId());
            holder.put("owner", outcome.holder().owner());
            holder.put("expiresAt", String.valueOf(outcome.holder().expiresAt()));
            response.put("holder", holder);
        }
        if (!outcome.warnings().isEmpty()) {
            response.put("warnings", outcome.warnings());
        }
        return response;
    }

    /**
     * Metrics need only the namespace and backup name, read leniently so that even a function
     * whose configuration is broken reports its failure under the name the alarms watch.
     */
    private static BackupMetrics metricsFor(Environment environment) {
        return new EmfBackupMetrics(environment.optional(BackupConfig.METRICS_NAMESPACE, "pgvault"),
                environment.optional(BackupConfig.BACKUP_NAME, "auth-db"));
    }
}
