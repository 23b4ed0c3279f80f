package dev.pgvault.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.config.Environment;
import dev.pgvault.config.RepointConfig;
import dev.pgvault.config.SecretResolver;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.RepointIncompleteException;
import dev.pgvault.errors.RepointRefusedException;
import dev.pgvault.errors.RepointRolledBackException;
import dev.pgvault.errors.RollbackFailedException;
import dev.pgvault.kube.EksAccess;
import dev.pgvault.kube.EksTokenProvider;
import dev.pgvault.kube.KubernetesAccess;
import dev.pgvault.kube.MigrationJobs;
import dev.pgvault.kube.SecretConfigAccess;
import dev.pgvault.repoint.ConnectionTest;
import dev.pgvault.repoint.HealthProbe;
import dev.pgvault.repoint.HttpHealthProbe;
import dev.pgvault.repoint.RepointEvent;
import dev.pgvault.repoint.RepointOutcome;
import dev.pgvault.repoint.RepointReplies;
import dev.pgvault.repoint.RepointService;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Lambda adapter for {@link RepointService}: decodes the event, calls the service, encodes the
 * answer. A failed repoint ends in a named exception the state machine matches on:
 * {@link RepointRolledBackException} (undone, application as it was) or
 * {@link RollbackFailedException} (undo failed too), {@link RepointRefusedException} (refused
 * before any change: a controller-managed secret, a new database that cannot be used),
 * {@link RepointIncompleteException} (an earlier attempt's value could not be brought into use);
 * bad input in {@link InvalidRequestException}.
 */
public final class RepointHandler implements RequestStreamHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RepointConfig config;
    private final KubernetesAccess cluster;
    private final HealthProbe health;
    private final ConnectionTest connections;
    private final Clock clock;
    private final Duration pollInterval;

    /** Used by Lambda: real clients, configuration from the environment. */
    public RepointHandler() {
        this(RepointConfig.from(Environment.system()));
    }

    private RepointHandler(RepointConfig config) {
        this(config, realAccess(config), new HttpHealthProbe(), ConnectionTest.jdbc(), Clock.systemUTC(),
                Duration.ofSeconds(5));
    }

    public RepointHandler(RepointConfig config, KubernetesAccess cluster, HealthProbe health, ConnectionTest connections,
                          Clock clock, Duration pollInterval) {
        this.config = config;
        this.cluster = cluster;
        this.health = health;
        this.connections = connections;
        this.clock = clock;
        this.pollInterval = pollInterval;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode raw = read(input);
        String action = raw == null ? "" : raw.path("action").asText("");
        if (MigrationEvents.handles(action)) {
            // The backup-restore state machine's migration hook: the same cluster access, no repoint.
            try (KubernetesClient client = cluster.connect()) {
                JSON.writeValue(output, MigrationEvents.handle(new MigrationJobs(client), raw));
            }
            return;
        }
        RepointEvent event = RepointEvent.parse(raw);
        JsonNode reply;
        try (KubernetesClient client = cluster.connect()) {
            RepointService service = new RepointService(client, health, connections, clock, pollInterval);
            reply = switch (event.action()) {
                case CHECK -> RepointReplies.check(service.check(event.application(), event.allowManagedSecret()));
                case REPOINT -> {
                    RepointOutcome outcome = service.repoint(
                            event.toRequest(config.rolloutTimeout(), config.healthTimeout()));
                    yield switch (outcome) {
                        case RepointOutcome.Repointed done ->
                                RepointReplies.repointed(done, event.startedAt(), event.restorePoint());
                        case RepointOutcome.RolledBack back -> throw new RepointRolledBackException(
                                "repoint of " + event.application().deploymentLabel() + " to " + back.requested()
                                        + " failed and was undone; it runs on " + back.previous() + " again. Reason: "
                                        + back.reason());
                        case RepointOutcome.RollbackFailed failed -> throw new RollbackFailedException(
                                "ACTION REQUIRED: repoint of " + event.application().deploymentLabel() + " to "
                                        + failed.requested() + " failed (" + failed.reason()
                                        + ") and putting back " + failed.previous() + " failed too: "
                                        + failed.rollbackProblem());
                        case RepointOutcome.NotCompleted incomplete -> throw new RepointIncompleteException(
                                "repoint of " + event.application().deploymentLabel() + " to " + incomplete.requested()
                                        + " did not complete: " + incomplete.reason()
                                        + ". Repoint it back to the endpoint it used before the restore");
                    };
                }
            };
        }
        JSON.writeValue(output, reply);
    }

    private static JsonNode read(InputStream input) throws IOException {
        try {
            return JSON.readTree(input);
        } catch (JacksonException e) {
            throw new InvalidRequestException("the repoint event is not valid JSON");
        }
    }

    private static KubernetesAccess realAccess(RepointConfig config) {
        return clusterAccess(config.eksClusterName(), config.kubeAccessSecret(), config.region());
    }

    /** The cluster, as configured for the repoint and upload functions: an EKS cluster or an access secret. */
    static KubernetesAccess clusterAccess(java.util.Optional<String> eksClusterName,
                                          java.util.Optional<String> kubeAccessSecret, String regionName) {
        Region region = Region.of(regionName);
        if (eksClusterName.isPresent()) {
            String name = eksClusterName.get();
            EksClient eks = EksClient.builder().region(region).httpClient(UrlConnectionHttpClient.create()).build();
            return new EksAccess(eks, name,
                    new EksTokenProvider(name, region, DefaultCredentialsProvider.builder().build(), Clock.systemUTC()));
        }
        String reference = kubeAccessSecret.orElseThrow();
        SecretsManagerClient secrets = SecretsManagerClient.builder().region(region)
                .httpClient(UrlConnectionHttpClient.create()).build();
        SsmClient ssm = SsmClient.builder().region(region).httpClient(UrlConnectionHttpClient.create()).build();
        // A resolver per connection: a rotated token is picked up on the next invocation.
        return new SecretConfigAccess(reference, () -> new SecretResolver(secrets, ssm).resolve(reference));
    }
}
