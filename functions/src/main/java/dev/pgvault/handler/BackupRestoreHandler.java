package dev.pgvault.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.archive.signing.KmsManifestSigner;
import dev.pgvault.archive.signing.TrustedKeys;
import dev.pgvault.config.AwsClients;
import dev.pgvault.config.BackupRestoreConfig;
import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.config.Environment;
import dev.pgvault.config.SecretResolver;
import dev.pgvault.erasure.LedgerApplier;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.RunCancelledException;
import dev.pgvault.repository.S3Store;
import dev.pgvault.restore.BackupRestoreService;
import dev.pgvault.restore.ScriptApplier;
import dev.pgvault.run.Cancellation;
import dev.pgvault.run.Watchdog;
import dev.pgvault.verify.ManifestTrust;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore function: the backup-restore state machine's steps that need a database, as actions
 * over {@link BackupRestoreService}. Failures are the named exceptions the state machine matches
 * ({@code BackupNotVerifiedException}, {@code RestoreRefusedException}, {@code ManifestMismatchException},
 * {@code RestoreFailedException}, ...).
 *
 * <pre>
 * {"action": "choose", "backup": "latest-verified" | KEY | "2026-11-24", "name": "auth-db", "allowUnverified": false}
 *     -> {"key", "bucket", "objectKey", "storageClass", "cold", "snapshotTime", "verification", "estimateSeconds", ...}
 *        (refused when the estimate does not fit the function's time)
 * {"action": "restore", "key": KEY, "targetSecretArn": optional, "newDatabase": optional}
 *     -> {"database", "host", "port", "tables", "rows", "seconds", "erasure": {...}, "warnings"}
 * {"action": "erase", "database": optional, "host": optional, "port": optional, "targetSecretArn": optional}
 *     -> {"entries", "rowsDeleted", "rowsUpdated", "summary"}    (the erasure ledger, committed)
 * {"action": "drop", "database": NAME, "targetSecretArn": optional} -> {"dropped": NAME}
 * </pre>
 */
public final class BackupRestoreHandler implements RequestStreamHandler {
    private static final Logger LOG = LoggerFactory.getLogger(BackupRestoreHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Supplier<BackupRestoreConfig> config;
    private final Supplier<AwsClients> clients;
    private final Clock clock;
    private ManifestTrust trust;

    /** Used by Lambda: configuration from the environment, real AWS clients. */
    public BackupRestoreHandler() {
        this(Environment.system(), AwsClients::fromEnvironment, Clock.systemUTC());
    }

    public BackupRestoreHandler(Environment environment, Supplier<AwsClients> clients, Clock clock) {
        this.config = Deferred.eager(() -> BackupRestoreConfig.from(environment));
        this.clients = Deferred.eager(clients);
        this.clock = clock;
    }

    /** For tests: a given trust instead of the deployment's KMS signing key. */
    BackupRestoreHandler(Environment environment, Supplier<AwsClients> clients, Clock clock, ManifestTrust trust) {
        this(environment, clients, clock);
        this.trust = trust;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event;
        try {
            event = JSON.readTree(input);
        } catch (JacksonException e) {
            throw new InvalidRequestException("the event is not valid JSON");
        }
        if (event == null || !event.isObject()) {
            throw new InvalidRequestException("the event must be a JSON object with an action");
        }
        String action = event.path("action").asText("");
        if (!List.of("choose", "restore", "erase", "drop").contains(action)) {
            throw new InvalidRequestException("event field action must be choose, restore, erase or drop");
        }
        BackupRestoreConfig settings = config.get();
        AwsClients aws = clients.get();
        SecretResolver secrets = aws.secretResolver();
        BackupRestoreService service = new BackupRestoreService(new S3Store(aws.s3(), settings.bucket(),
                settings.prefix()), trust(aws, settings), clock);
        JsonNode reply = switch (action) {
            case "choose" -> choose(event, settings, service);
            case "restore" -> restore(event, settings, service, secrets, context);
            case "erase" -> erase(event, settings, service, secrets);
            default -> drop(event, settings, service, secrets);
        };
        JSON.writeValue(output, reply);
    }

    private JsonNode choose(JsonNode event, BackupRestoreConfig settings, BackupRestoreService service) {
        BackupRestoreService.Choice choice = service.choose(new BackupRestoreService.Selection(
                text(event, "backup").orElse(null), text(event, "name").orElse(settings.backupName()),
                event.path("allowUnverified").asBoolean(false)));
        service.requireFits(choice, settings.budget(), cliInstead(choice.key()));
        ObjectNode reply = JSON.createObjectNode();
        reply.put("key", choice.key());
        reply.put("backupName", choice.backupName());
        reply.put("bucket", settings.bucket());
        reply.put("objectKey", settings.prefix().isEmpty() ? choice.key() : settings.prefix() + "/" + choice.key());
        reply.put("storageClass", choice.storageClass());
        reply.put("cold", choice.cold());
        reply.put("snapshotTime", String.valueOf(choice.snapshotTime()));
        reply.put("verification", choice.verification());
        reply.put("storedBytes", choice.storedBytes());
        reply.put("rawBytes", choice.rawBytes());
        reply.put("estimateSeconds", choice.estimate().toSeconds());
        reply.put("budgetSeconds", settings.budget().toSeconds());
        reply.put("rate", choice.rateSource());
        return reply;
    }

    private JsonNode restore(JsonNode event, BackupRestoreConfig settings, BackupRestoreService service,
                             SecretResolver secrets, Context context) {
        String key = text(event, "key").orElseThrow(() -> new InvalidRequestException("event field key is required"));
        BackupRestoreService.Choice choice = service.choose(new BackupRestoreService.Selection(key, null,
                event.path("allowUnverified").asBoolean(false)));
        // Again, against the time this invocation really has: nothing is started that would be cut off.
        Duration left = Duration.ofMillis(context.getRemainingTimeInMillis())
                .minus(Duration.ofSeconds(900).minus(settings.budget()));
        service.requireFits(choice, left.compareTo(settings.budget()) < 0 ? left : settings.budget(), cliInstead(key));
        DatabaseTarget server = server(event, settings, secrets);
        BackupRestoreService.Restored restored = restoreBeforeTheDeadline(key, server, event, settings, secrets, context,
                service);
        ObjectNode reply = JSON.createObjectNode();
        reply.put("key", key);
        reply.put("database", restored.database());
        reply.put("host", restored.host());
        reply.put("port", restored.port());
        reply.put("tables", restored.tables());
        reply.put("rows", restored.rows());
        reply.put("seconds", restored.duration().toSeconds());
        reply.set("erasure", erasure(restored.erasure()));
        restored.warnings().forEach(reply.putArray("warnings")::add);
        return reply;
    }

    /**
     * The restore, stopped by a watchdog {@link BackupRestoreConfig#watchdogMargin} before the
     * function's time limit: the platform's kill would leave the new database half-restored, while
     * a stopped restore drops it and fails with {@link RunCancelledException} (class Timeout).
     */
    private BackupRestoreService.Restored restoreBeforeTheDeadline(String key, DatabaseTarget server, JsonNode event,
                                                                   BackupRestoreConfig settings,
                                                                   SecretResolver secrets, Context context,
                                                                   BackupRestoreService service) {
        Cancellation cancellation = new Cancellation();
        Instant deadline = clock.instant().plusMillis(context.getRemainingTimeInMillis());
        String soThat = "the new database is dropped rather than left half-restored; restore this backup where there"
                + " is no time limit: " + cliInstead(key);
        try (Watchdog ignored = Watchdog.start(cancellation, deadline, settings.watchdogMargin(), clock, soThat)) {
            return service.restore(key, server, text(event, "newDatabase").orElse(null),
                    settings.decryption().decryptor(secrets), new ScriptApplier.Progress() {
                        @Override
                        public void note(String message) {
                            LOG.info(message);
                        }
                    }, cancellation);
        } catch (RuntimeException e) {
            RunCancelledException stopped = cancellation.exception();
            if (stopped == null) {
                throw e;
            }
            RunCancelledException timedOut = new RunCancelledException(stopped.reason(), stopped.getMessage()
                    + ": " + e.getMessage());
            timedOut.initCause(e);
            throw timedOut;
        }
    }

    private JsonNode erase(JsonNode event, BackupRestoreConfig settings, BackupRestoreService service,
                           SecretResolver secrets) {
        DatabaseTarget target = server(event, settings, secrets);
        Optional<String> host = text(event, "host");
        if (host.isPresent()) {
            JsonNode port = event.path("port");
            target = target.withEndpoint(host.get(), port.canConvertToInt() ? port.asInt() : target.port());
        }
        Optional<String> database = text(event, "database");
        if (database.isPresent()) {
            target = target.withDatabase(database.get());
        }
        return erasure(service.erase(target, settings.decryption().decryptor(secrets)));
    }

    private JsonNode drop(JsonNode event, BackupRestoreConfig settings, BackupRestoreService service,
                          SecretResolver secrets) {
        String database = text(event, "database").orElseThrow(() ->
                new InvalidRequestException("event field database is required"));
        service.drop(server(event, settings, secrets), database);
        return JSON.createObjectNode().put("dropped", database);
    }

    private static ObjectNode erasure(LedgerApplier.Applied applied) {
        ObjectNode node = JSON.createObjectNode();
        node.put("entries", applied.entries());
        node.put("rowsDeleted", applied.rowsDeleted());
        node.put("rowsUpdated", applied.rowsUpdated());
        node.put("summary", applied.describe());
        return node;
    }

    private static DatabaseTarget server(JsonNode event, BackupRestoreConfig settings, SecretResolver secrets) {
        String secret = settings.targetSecret(text(event, "targetSecretArn"));
        return DatabaseTarget.parseSecret(secrets.resolve(secret), "secret " + secret);
    }

    /** How to run the same restore from the CLI, as a Kubernetes Job next to the application (README). */
    private static String cliInstead(String key) {
        return "pgvault restore --repo s3://BUCKET/PREFIX --backup " + key + " --into-new-database"
                + " --database-url URL, run as a Kubernetes Job next to the application (README: \"Restores too"
                + " large for the function\")";
    }

    private synchronized ManifestTrust trust(AwsClients aws, BackupRestoreConfig settings) {
        if (trust == null) {
            trust = new ManifestTrust(TrustedKeys.of(List.of(KmsManifestSigner.publicKey(aws.kms(),
                    settings.signingKey()))), false, LOG::warn);
        }
        return trust;
    }

    private static Optional<String> text(JsonNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidRequestException("event field " + field + " must be a non-empty string");
        }
        return Optional.of(value.asText());
    }
}
