package dev.pgvault.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.config.AwsClients;
import dev.pgvault.config.BackupConfig;
import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.config.Environment;
import dev.pgvault.config.SecretResolver;
import dev.pgvault.archive.Compression;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.metrics.EmfBackupMetrics;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.S3Store;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The backup function. The daily schedule invokes it with {@code {"kind": "daily"}} (an
 * EventBridge "Scheduled Event" counts as daily too); {@code {"kind": "manual"}} takes an
 * on-demand backup into {@code manual/}. A duplicate delivery for a day already backed up
 * returns {@code "status": "skipped"}.
 */
public final class BackupHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final BackupConfig config;
    private final AwsClients clients;
    private final BackupMetrics metrics;
    private final Clock clock;

    /** Used by Lambda: configuration from the environment, real AWS clients. */
    public BackupHandler() {
        this(BackupConfig.from(Environment.system()), AwsClients.fromEnvironment(), null, Clock.systemUTC());
    }

    public BackupHandler(BackupConfig config, AwsClients clients, BackupMetrics metrics, Clock clock) {
        this.config = config;
        this.clients = clients;
        this.metrics = metrics != null ? metrics : new EmfBackupMetrics(config.metricsNamespace(), config.backupName());
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> backUp(event, context));
    }

    private Map<String, Object> backUp(Map<String, Object> event, Context context) {
        BackupKind kind = kindOf(event);
        SecretResolver secrets = clients.secretResolver(); // one per invocation: each secret read once
        DatabaseTarget database = DatabaseTarget.parseSecret(secrets.resolve(config.databaseSecret()),
                "secret " + config.databaseSecret());
        BackupService service = new BackupService(new S3Store(clients.s3(), config.bucket(), config.prefix()),
                database::connect, metrics, clock, config.dumpOptions());
        // The lock outlives this invocation by a minute at most: a killed run frees the key soon.
        Duration lease = Duration.ofMillis(context.getRemainingTimeInMillis()).plusMinutes(1);
        BackupOutcome outcome = service.run(new BackupRequest(kind, config.backupName(), Compression.GZIP,
                config.compressionLevel(), config.encryption().encryptor(secrets), lease), DumpProgress.NONE);
        return response(outcome);
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
        response.put("status", outcome.status().name().toLowerCase(java.util.Locale.ROOT));
        response.put("key", outcome.key());
        if (outcome.written()) {
            response.put("tables", outcome.manifest().tables().size());
            response.put("rows", outcome.manifest().totalRows());
            response.put("storedBytes", outcome.manifest().storedBytes());
            response.put("sha256", outcome.manifest().sha256());
            response.put("durationMillis", outcome.manifest().durationMillis());
        }
        return response;
    }
}
