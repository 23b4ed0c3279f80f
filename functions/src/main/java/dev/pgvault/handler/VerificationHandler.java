package dev.pgvault.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.pgvault.archive.signing.KmsManifestSigner;
import dev.pgvault.archive.signing.TrustedKeys;
import dev.pgvault.config.AwsClients;
import dev.pgvault.config.Environment;
import dev.pgvault.config.SecretResolver;
import dev.pgvault.config.VerificationConfig;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.metrics.EmfVerificationMetrics;
import dev.pgvault.metrics.VerificationMetrics;
import dev.pgvault.notify.Channels;
import dev.pgvault.notify.HttpDelivery;
import dev.pgvault.notify.Notice;
import dev.pgvault.notify.Notices;
import dev.pgvault.notify.PagerDutyNotifier;
import dev.pgvault.errors.BackupArchivedException;
import dev.pgvault.repository.ArchiveRetrieval;
import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.S3Store;
import dev.pgvault.run.Cancellation;
import dev.pgvault.run.GuardedRun;
import dev.pgvault.verify.ManifestTrust;
import dev.pgvault.verify.UserChecks;
import dev.pgvault.verify.VerificationHistory;
import dev.pgvault.verify.VerificationReport;
import dev.pgvault.verify.VerificationRequest;
import dev.pgvault.verify.VerificationResult;
import dev.pgvault.verify.VerificationService;
import java.net.URI;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The verification function. The weekly schedule (an EventBridge "Scheduled Event", or
 * {@code {"kind": "verify"}}) verifies the newest backup of the configured name;
 * {@code {"backup": "daily/auth-db-backup-2026-11-24.sql.gz"}} or
 * {@code {"backup": "latest", "name": "auth-db"}} a given one; the daily {@code {"kind": "report"}}
 * only emits the hours since the last successful verification. A verdict, failed or not, is the
 * answer ({@code "status"}: ok, checksum_mismatch, ...), with metrics and notices; only a run that
 * reaches no verdict (configuration, scratch server, storage, watchdog) fails the invocation.
 */
public final class VerificationHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private static final Logger LOG = LoggerFactory.getLogger(VerificationHandler.class);

    private final Supplier<VerificationConfig> config;
    private final Supplier<AwsClients> clients;
    private final Supplier<SnsClient> sns;
    private final VerificationMetrics metrics;
    private final Clock clock;
    private final HttpDelivery http;
    private final URI pagerDuty;
    private PublicKey signingKey;

    /** Used by Lambda: configuration from the environment, real AWS clients. */
    public VerificationHandler() {
        this(Environment.system(), AwsClients::fromEnvironment, VerificationHandler::snsFromEnvironment, null,
                Clock.systemUTC(), HttpDelivery.standard());
    }

    /** Configuration read (and its failure remembered) from {@code environment}. */
    public VerificationHandler(Environment environment, Supplier<AwsClients> clients, Supplier<SnsClient> sns,
                               VerificationMetrics metrics, Clock clock, HttpDelivery http) {
        this.config = Deferred.eager(() -> VerificationConfig.from(environment));
        this.clients = Deferred.eager(clients);
        this.sns = Deferred.lazy(sns);
        this.metrics = metrics != null ? metrics : new EmfVerificationMetrics(
                environment.optional(VerificationConfig.METRICS_NAMESPACE, "pgvault"),
                environment.optional(VerificationConfig.BACKUP_NAME, "auth-db"));
        this.clock = clock;
        this.http = http;
        this.pagerDuty = URI.create(environment.optional(PAGERDUTY_EVENTS_URL, PagerDutyNotifier.EVENTS_API.toString()));
    }

    /** The Events API endpoint: PagerDuty's EU service region has its own. */
    public static final String PAGERDUTY_EVENTS_URL = "PGVAULT_PAGERDUTY_EVENTS_URL";

    /** What an invocation asks for. */
    record Request(boolean reportOnly, String backup, String name) {}

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> {
            Instant deadline = clock.instant().plusMillis(context.getRemainingTimeInMillis());
            String soThat = "the scratch database is dropped and the run reported; if this repeats, raise the"
                    + " function's timeout or run `pgvault verify` where there is no time limit";
            return new GuardedRun(metrics.asRunMetrics(), clock).run(new Cancellation(), deadline, watchdogMargin(), soThat,
                    scope -> {
                        scope.kind("verification");
                        Request request = requestOf(event);
                        return run(request, deadline, context.getFunctionName(), scope.cancellation());
                    });
        });
    }

    private Map<String, Object> run(Request request, Instant deadline, String functionName, Cancellation cancellation) {
        VerificationConfig settings = config.get();
        AwsClients aws = clients.get();
        S3Store store = new S3Store(aws.s3(), settings.bucket(), settings.prefix());
        String name = request.name() != null ? request.name() : settings.backupName();
        if (request.reportOnly()) {
            Optional<Instant> last = VerificationHistory.lastSuccess(store, name);
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("status", "reported");
            if (last.isPresent()) {
                Duration since = Duration.between(last.get(), clock.instant());
                metrics.sinceLastSuccess(since);
                response.put("lastSuccessfulVerification", last.get().toString());
                response.put("hoursSinceLastVerification", hours(since));
            } else {
                // Nothing emitted: the alarm treats the silence as "not verified".
                LOG.warn("no backup of {} has verified yet", name);
                response.put("lastSuccessfulVerification", null);
            }
            return response;
        }
        if (!BackupCatalog.LATEST.equals(request.backup())) {
            Optional<Map<String, Object>> archived = retrievalRequested(store, settings, request.backup());
            if (archived.isPresent()) {
                return archived.get();
            }
        }
        SecretResolver secrets = aws.secretResolver(); // one per invocation: each secret read once
        ManifestTrust trust = new ManifestTrust(TrustedKeys.of(List.of(signingKey(aws, settings))), false, LOG::warn);
        VerificationRequest verification = new VerificationRequest(request.backup(), name,
                settings.scratchServer(secrets), checks(settings, secrets, aws), settings.decryptor(secrets), deadline);
        VerificationReport report = new VerificationService(store, trust, clock, settings.policy())
                .verify(verification, cancellation);
        Duration since = report.ok() ? Duration.ZERO : VerificationHistory.lastSuccess(store, name)
                .map(t -> Duration.between(t, clock.instant())).orElse(null);
        metrics.verified(report, since);
        Notices notices = Channels.from(settings, secrets, settings.noticeTopic() == null ? null : sns.get(), http,
                pagerDuty, functionName, (channel, notice) -> metrics.noticeFailed(channel));
        List<String> undelivered = notices.publishAll(Notice.of(report, clock.instant()));
        log(report);
        return response(report, since, undelivered);
    }

    /**
     * For a backup named by key that is in Glacier or Deep Archive: its retrieval requested (or under
     * way), answered with when to invoke again; not a verdict and not an error. Empty when it is readable.
     */
    private Optional<Map<String, Object>> retrievalRequested(S3Store store, VerificationConfig settings, String key) {
        try {
            new ArchiveRetrieval(store, settings.retrievalSpeed(), ArchiveRetrieval.DEFAULT_DAYS, clock)
                    .ensureReadable(key);
            return Optional.empty();
        } catch (BackupArchivedException e) {
            LOG.warn(e.getMessage());
            Map<String, Object> response = new LinkedHashMap<>();
            response.put("status", "retrieval_requested");
            response.put("key", key);
            response.put("retryAfter", e.retryAfter() == null ? null : e.retryAfter().toString());
            response.put("details", List.of(e.getMessage()));
            return Optional.of(response);
        }
    }

    /** The public half of the deployment's signing key, read once per container. */
    private synchronized PublicKey signingKey(AwsClients aws, VerificationConfig settings) {
        if (signingKey == null) {
            signingKey = KmsManifestSigner.publicKey(aws.kms(), settings.signingKey());
        }
        return signingKey;
    }

    /** The user checks document, from SSM or S3; none when not configured. */
    private static UserChecks checks(VerificationConfig settings, SecretResolver secrets, AwsClients aws) {
        String ref = settings.checks();
        if (ref == null) {
            return UserChecks.none();
        }
        if (!ref.startsWith("s3://")) {
            return UserChecks.parse(secrets.resolve(ref), ref);
        }
        String path = ref.substring("s3://".length());
        int slash = path.indexOf('/');
        if (slash <= 0 || slash == path.length() - 1) {
            throw new ConfigurationException(VerificationConfig.CHECKS + " '" + ref + "' is not s3://bucket/key");
        }
        try {
            String document = aws.s3().getObjectAsBytes(b -> b.bucket(path.substring(0, slash))
                    .key(path.substring(slash + 1))).asUtf8String();
            return UserChecks.parse(document, ref);
        } catch (SdkException e) {
            throw new ConfigurationException("could not read the checks document " + ref + ": " + e.getMessage());
        }
    }

    static Request requestOf(Map<String, Object> event) {
        if (event == null || event.isEmpty() || "Scheduled Event".equals(event.get("detail-type"))) {
            return new Request(false, BackupCatalog.LATEST, null);
        }
        Object kind = event.get("kind");
        Object backup = event.get("backup");
        Object name = event.get("name");
        if ("report".equals(kind)) {
            return new Request(true, null, name == null ? null : name.toString());
        }
        if (kind != null && !"verify".equals(kind)) {
            throw new InvalidRequestException("kind \"" + kind + "\" is unknown; send {\"kind\": \"verify\"},"
                    + " {\"kind\": \"report\"} or {\"backup\": \"KEY\"|\"latest\", \"name\": \"auth-db\"}");
        }
        if (backup != null && !BackupCatalog.LATEST.equals(backup) && name != null) {
            throw new InvalidRequestException("\"name\" chooses among the backups for \"backup\": \"latest\";"
                    + " a key names one already");
        }
        return new Request(false, backup == null ? BackupCatalog.LATEST : backup.toString(),
                name == null ? null : name.toString());
    }

    private static Map<String, Object> response(VerificationReport report, Duration since, List<String> undelivered) {
        Map<String, Object> response = new LinkedHashMap<>();
        VerificationResult result = report.result();
        response.put("status", report.status().name().toLowerCase(Locale.ROOT));
        response.put("backupName", report.backupName());
        response.put("key", result.key());
        response.put("details", result.details());
        response.put("restoreSeconds", result.restoreTime() == null ? null : result.restoreTime().toMillis() / 1000.0);
        response.put("bytesVerified", report.bytesVerified());
        response.put("newestGoodBackup", report.newestGood());
        response.put("rpoHours", report.rpo() == null ? null : hours(report.rpo()));
        response.put("hoursSinceLastVerification", since == null ? null : hours(since));
        response.put("attempts", report.attempts().stream().map(a -> {
            Map<String, Object> attempt = new LinkedHashMap<>();
            attempt.put("key", a.key());
            attempt.put("status", a.status().name().toLowerCase(Locale.ROOT));
            return attempt;
        }).toList());
        response.put("undeliveredNotices", undelivered);
        return response;
    }

    private static void log(VerificationReport report) {
        String line = "verification of " + report.backupName() + ": " + report.status() + " "
                + report.result().key() + " " + String.join("; ", report.result().details());
        if (report.status().failed()) {
            LOG.error(line);
        } else {
            LOG.info(line);
        }
    }

    private static double hours(Duration d) {
        return Math.round(d.toMillis() / 36_000.0) / 100.0;
    }

    private Duration watchdogMargin() {
        try {
            return config.get().watchdogMargin();
        } catch (RuntimeException e) {
            return Duration.ofSeconds(60);
        }
    }

    private static SnsClient snsFromEnvironment() {
        return SnsClient.builder()
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build();
    }
}
