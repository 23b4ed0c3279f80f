package dev.pgvault.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import dev.pgvault.archive.UploadManifest;
import dev.pgvault.archive.signing.KmsManifestSigner;
import dev.pgvault.archive.signing.ManifestSigner;
import dev.pgvault.backup.ArtifactWriter;
import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.backup.CodeBackupRequest;
import dev.pgvault.backup.CodeBackupService;
import dev.pgvault.backup.ConfigBackupRequest;
import dev.pgvault.backup.ConfigBackupService;
import dev.pgvault.backup.LeaseTimes;
import dev.pgvault.backup.RunOwner;
import dev.pgvault.backup.UploadOutcome;
import dev.pgvault.code.GitSource;
import dev.pgvault.config.AwsClients;
import dev.pgvault.config.Environment;
import dev.pgvault.config.SecretResolver;
import dev.pgvault.config.UploadConfig;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.kube.KubernetesAccess;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.metrics.EmfUploadMetrics;
import dev.pgvault.repository.S3Store;
import dev.pgvault.run.Cancellation;
import dev.pgvault.run.GuardedRun;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * The upload function: {@code {"kind": "config"}} (daily) backs up the configured namespaces and
 * the sealed-secrets keys, {@code {"kind": "code"}} (weekly) the Git repository. It answers a
 * {@code "status"} for the run ({@code written} when any file was written, else
 * {@code already_complete} or {@code held}) and one entry per file; a failure fails the
 * invocation after the UploadFailed metric, through the same run wrapper as the backup function.
 */
public final class UploadHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final Supplier<UploadConfig> config;
    private final Supplier<AwsClients> clients;
    private final Function<UploadConfig, KubernetesAccess> cluster;
    private final BackupMetrics metrics;
    private final Clock clock;
    private final Path scratch;
    private ManifestSigner signer;

    /** Used by Lambda: configuration from the environment, real AWS clients and cluster access. */
    public UploadHandler() {
        this(Environment.system(), AwsClients::fromEnvironment,
                c -> RepointHandler.clusterAccess(c.eksClusterName(), c.kubeAccessSecret(), c.region()), null,
                Clock.systemUTC(), Path.of(System.getProperty("java.io.tmpdir")));
    }

    public UploadHandler(Environment environment, Supplier<AwsClients> clients,
                         Function<UploadConfig, KubernetesAccess> cluster, BackupMetrics metrics, Clock clock,
                         Path scratch) {
        this.config = Deferred.eager(() -> UploadConfig.from(environment));
        this.clients = Deferred.eager(clients);
        this.cluster = cluster;
        this.metrics = metrics != null ? metrics : new EmfUploadMetrics(
                environment.optional("POWERTOOLS_METRICS_NAMESPACE", "pgvault"),
                environment.optional("PGVAULT_BACKUP_NAME", "auth-db"));
        this.clock = clock;
        this.scratch = scratch;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> {
            Instant deadline = clock.instant().plusMillis(context.getRemainingTimeInMillis());
            String soThat = "the upload is aborted cleanly; if this repeats, run `pgvault config backup` or"
                    + " `pgvault code backup` as a CronJob instead (README)";
            return new GuardedRun(metrics, clock).run(new Cancellation(), deadline, watchdogMargin(), soThat, scope -> {
                String kind = kindOf(event);
                scope.kind(kind);
                String owner = RunOwner.lambda(context.getFunctionName(), context.getAwsRequestId());
                List<String> warnings = new ArrayList<>();
                List<UploadOutcome> outcomes = kind.equals("config")
                        ? config(owner, warnings, scope.cancellation())
                        : code(owner, scope.cancellation());
                report(kind, outcomes);
                return response(outcomes, warnings);
            });
        });
    }

    private List<UploadOutcome> config(String owner, List<String> warnings, Cancellation cancellation) {
        UploadConfig settings = config.get();
        if (settings.namespaces().isEmpty()) {
            throw new ConfigurationException(UploadConfig.CONFIG_NAMESPACES + " names no namespace: there is no"
                    + " configuration to back up");
        }
        AwsClients aws = clients.get();
        SecretResolver secrets = aws.secretResolver();
        ConfigBackupService.Result result = new ConfigBackupService(writer(aws, settings), cluster.apply(settings))
                .run(new ConfigBackupRequest(settings.namespaces(), settings.customKinds(),
                        settings.sealedSecretsNamespace(), settings.encryption().encryptor(secrets),
                        settings.compressionLevel(), owner), cancellation);
        warnings.addAll(result.warnings());
        return result.outcomes();
    }

    private List<UploadOutcome> code(String owner, Cancellation cancellation) {
        UploadConfig settings = config.get();
        if (settings.gitUrl() == null) {
            throw new ConfigurationException(UploadConfig.GIT_URL + " is not set: there is no repository to back up");
        }
        AwsClients aws = clients.get();
        SecretResolver secrets = aws.secretResolver();
        char[] token = settings.gitTokenRef() == null ? null
                : secrets.resolve(settings.gitTokenRef()).strip().toCharArray();
        GitSource source = new GitSource(settings.gitUrl(), settings.gitUsername(), token);
        return new CodeBackupService(writer(aws, settings)).run(new CodeBackupRequest(source, settings.codeName(),
                settings.encryption().encryptor(secrets), settings.compressionLevel(), owner, scratch), cancellation);
    }

    private ArtifactWriter writer(AwsClients aws, UploadConfig settings) {
        return new ArtifactWriter(new S3Store(aws.s3(), settings.bucket(), settings.prefix(), settings.objectLock()),
                signer(aws, settings), clock, LeaseTimes.DEFAULT);
    }

    private synchronized ManifestSigner signer(AwsClients aws, UploadConfig settings) {
        if (signer == null) {
            signer = new KmsManifestSigner(aws.kms(), settings.signingKey());
        }
        return signer;
    }

    /** One success metric per file written, one skip per file found complete or held. */
    private void report(String kind, List<UploadOutcome> outcomes) {
        for (UploadOutcome outcome : outcomes) {
            UploadManifest m = outcome.manifest();
            if (outcome.written()) {
                metrics.backupSucceeded(kind, Duration.ofMillis(m.durationMillis()), m.storedBytes(), m.rawBytes(), 0,
                        m.finishedAt());
            } else {
                metrics.backupSkipped(kind, outcome.status());
            }
        }
    }

    private Duration watchdogMargin() {
        try {
            return config.get().watchdogMargin();
        } catch (RuntimeException e) {
            return Duration.ofSeconds(60);
        }
    }

    static String kindOf(Map<String, Object> event) {
        Object kind = event == null ? null : event.get("kind");
        if (kind == null) {
            throw new InvalidRequestException("the event has no \"kind\"; send {\"kind\": \"config\"} or"
                    + " {\"kind\": \"code\"}");
        }
        String value = kind.toString().strip().toLowerCase(Locale.ROOT);
        if (!value.equals("config") && !value.equals("code")) {
            throw new InvalidRequestException("unknown upload kind \"" + kind + "\"; send {\"kind\": \"config\"} or"
                    + " {\"kind\": \"code\"}");
        }
        return value;
    }

    private static Map<String, Object> response(List<UploadOutcome> outcomes, List<String> warnings) {
        Map<String, Object> response = new LinkedHashMap<>();
        BackupOutcome.Status status = outcomes.stream().anyMatch(UploadOutcome::written) ? BackupOutcome.Status.WRITTEN
                : outcomes.stream().anyMatch(o -> o.status() == BackupOutcome.Status.HELD) ? BackupOutcome.Status.HELD
                : BackupOutcome.Status.ALREADY_COMPLETE;
        response.put("status", status.name().toLowerCase(Locale.ROOT));
        List<Map<String, Object>> files = new ArrayList<>();
        for (UploadOutcome outcome : outcomes) {
            Map<String, Object> file = new LinkedHashMap<>();
            file.put("status", outcome.status().name().toLowerCase(Locale.ROOT));
            file.put("key", outcome.key());
            UploadManifest m = outcome.manifest();
            if (m != null) {
                if (m.objects() != null) {
                    file.put("objects", m.objects().size());
                }
                if (m.refs() != null) {
                    file.put("refs", m.refs().size());
                }
                file.put("storedBytes", m.storedBytes());
                file.put("sha256", m.sha256());
                if (!m.leftOut().isEmpty()) {
                    file.put("leftOut", m.leftOut());
                }
            }
            files.add(file);
        }
        response.put("files", files);
        if (!warnings.isEmpty()) {
            response.put("warnings", warnings);
        }
        return response;
    }
}
