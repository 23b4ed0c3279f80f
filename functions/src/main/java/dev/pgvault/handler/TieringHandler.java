package dev.pgvault.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.pgvault.config.AwsClients;
import dev.pgvault.config.Environment;
import dev.pgvault.config.TieringConfig;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.metrics.EmfTieringMetrics;
import dev.pgvault.metrics.TieringMetrics;
import dev.pgvault.repository.S3Store;
import dev.pgvault.retention.Applied;
import dev.pgvault.retention.ArtifactRetention;
import dev.pgvault.retention.PlanTable;
import dev.pgvault.retention.StorageTier;
import dev.pgvault.retention.TieringReport;
import dev.pgvault.retention.TieringService;
import dev.pgvault.run.Cancellation;
import dev.pgvault.run.GuardedRun;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The tiering function: daily after the backup (an EventBridge "Scheduled Event", or
 * {@code {"kind": "tier"}}), plans the retention of the configured name and applies it;
 * {@code {"kind": "tier", "dryRun": true}} only answers the plan. Then the same for every
 * configuration and code series in the bucket ({@code "artifacts"}: one answer per series). A plan refused by the share limit
 * is an answer ({@code "status": "refused"}, metric {@code TieringPlanRefused}), not an error.
 */
public final class TieringHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Logger LOG = LoggerFactory.getLogger(TieringHandler.class);

    private final Supplier<TieringConfig> config;
    private final Supplier<AwsClients> clients;
    private final TieringMetrics metrics;
    private final Clock clock;

    /** Used by Lambda: configuration from the environment, real AWS clients. */
    public TieringHandler() {
        this(Environment.system(), AwsClients::fromEnvironment, null, Clock.systemUTC());
    }

    public TieringHandler(Environment environment, Supplier<AwsClients> clients, TieringMetrics metrics, Clock clock) {
        this.config = Deferred.eager(() -> TieringConfig.from(environment));
        this.clients = Deferred.eager(clients);
        this.metrics = metrics != null ? metrics : new EmfTieringMetrics(
                environment.optional(TieringConfig.METRICS_NAMESPACE, "pgvault"),
                environment.optional(TieringConfig.BACKUP_NAME, "auth-db"));
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> {
            Instant deadline = clock.instant().plusMillis(context.getRemainingTimeInMillis());
            String soThat = "the run ends cleanly; what it did stays done, and the next run plans again from what is"
                    + " stored";
            return new GuardedRun(metrics.asRunMetrics(), clock).run(new Cancellation(), deadline, watchdogMargin(), soThat,
                    scope -> {
                        scope.kind("tiering");
                        boolean dryRun = dryRunOf(event);
                        TieringConfig settings = config.get();
                        S3Store store = new S3Store(clients.get().s3(), settings.bucket(), settings.prefix());
                        TieringReport report = new TieringService(store)
                                .run(settings.backupName(), settings.policy(), clock.instant(), dryRun,
                                        scope.cancellation());
                        if (!dryRun) {
                            metrics.tiered(report);
                        }
                        log(report);
                        List<TieringReport> artifacts = new ArtifactRetention(store)
                                .run(settings.artifacts(), clock.instant(), dryRun, scope.cancellation());
                        artifacts.forEach(TieringHandler::log);
                        if (!dryRun) {
                            metrics.artifactsTiered(artifacts);
                        }
                        Map<String, Object> response = response(report);
                        response.put("artifacts", artifacts.stream().map(TieringHandler::seriesResponse).toList());
                        return response;
                    });
        });
    }

    static boolean dryRunOf(Map<String, Object> event) {
        if (event == null || event.isEmpty() || "Scheduled Event".equals(event.get("detail-type"))) {
            return false;
        }
        Object kind = event.get("kind");
        if (kind != null && !"tier".equals(kind)) {
            throw new InvalidRequestException("kind \"" + kind + "\" is unknown; send {\"kind\": \"tier\"}"
                    + " or {\"kind\": \"tier\", \"dryRun\": true}");
        }
        Object dryRun = event.get("dryRun");
        if (dryRun != null && !(dryRun instanceof Boolean)) {
            throw new InvalidRequestException("\"dryRun\" must be true or false, got " + dryRun);
        }
        return Boolean.TRUE.equals(dryRun);
    }

    static Map<String, Object> response(TieringReport report) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("status", report.dryRun() ? "dry-run" : report.plan().refused() ? "refused" : "applied");
        response.put("backupName", report.plan().backupName());
        response.put("windowsFrom", report.plan().anchor().map(Object::toString).orElse(null));
        response.put("refusal", report.plan().refusal().orElse(null));
        response.put("kept", report.plan().kept().size());
        response.put("plannedDeletions", report.plan().deletions().size());
        response.put("deleted", report.count(Applied.What.DELETED));
        response.put("tagged", report.tagged());
        response.put("lockExtended", report.extended());
        response.put("refusedByLock", refusedByLock(report));
        response.put("refusedByFloor", report.refusedByFloor());
        response.put("orphansRemoved", report.orphansRemoved());
        Map<String, Object> tiers = new LinkedHashMap<>();
        for (StorageTier tier : StorageTier.values()) {
            tiers.put(tier.s3Name(), Map.of("objects", report.objectsPerTier().getOrDefault(tier, 0L),
                    "bytes", report.bytesPerTier().getOrDefault(tier, 0L)));
        }
        response.put("tiers", tiers);
        return response;
    }

    /** A config or code series: the same answer as the database's, without tiers (these files stay in Standard). */
    static Map<String, Object> seriesResponse(TieringReport report) {
        Map<String, Object> series = new LinkedHashMap<>();
        series.put("series", report.plan().backupName());
        series.put("status", report.dryRun() ? "dry-run" : report.plan().refused() ? "refused" : "applied");
        series.put("windowsFrom", report.plan().anchor().map(Object::toString).orElse(null));
        series.put("refusal", report.plan().refusal().orElse(null));
        series.put("kept", report.plan().kept().size());
        series.put("plannedDeletions", report.plan().deletions().size());
        series.put("deleted", report.count(Applied.What.DELETED));
        series.put("refusedByLock", refusedByLock(report));
        return series;
    }

    private static List<Map<String, String>> refusedByLock(TieringReport report) {
        return report.applied().stream()
                .filter(a -> a.what() == Applied.What.LOCKED || a.what() == Applied.What.REFUSED)
                .map(a -> Map.of("key", a.key(), "detail", a.detail())).toList();
    }

    private static void log(TieringReport report) {
        String summary = PlanTable.summary(report.plan());
        if (report.plan().refused()) {
            LOG.error(summary);
        } else {
            LOG.info(summary);
        }
        report.applied().stream().filter(a -> a.what() == Applied.What.LOCKED || a.what() == Applied.What.REFUSED)
                .forEach(a -> LOG.warn("not deleted: {}", a.detail()));
    }

    private Duration watchdogMargin() {
        try {
            return config.get().watchdogMargin();
        } catch (RuntimeException e) {
            return Duration.ofSeconds(30);
        }
    }
}
