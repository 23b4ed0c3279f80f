package dev.pgvault.cli.pitr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.cli.ExitCodes;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.pitr.PitrInspector;
import dev.pgvault.pitr.PitrStatus;
import dev.pgvault.pitr.RestoreRequest;
import dev.pgvault.pitr.RestoreTarget;
import dev.pgvault.pitr.RestoreWindow;
import dev.pgvault.repoint.ApplicationRef;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;

/**
 * {@code pgvault restore pitr}: starts the deployed point-in-time restore state machine and,
 * with {@code --wait}, follows it to the end. Meant as a subcommand of {@code pgvault restore}.
 */
@Command(name = "pitr", mixinStandardHelpOptions = true,
        description = {
                "Restore the RDS instance to a point in time and point the application at the restored database.",
                "Checks the time against the instance's restorable window first; the deployed state machine does the rest "
                        + "and notifies (RTO, RPO) when done. The application keeps its database if anything fails."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
                "0:started (without --wait), or restored and repointed",
                "1:the restore failed; the application was left on its previous database",
                "2:bad input, or a time outside the restorable window: nothing was started",
                "3:the execution timed out",
                "4:the execution was stopped",
                "5:AWS could not be reached or refused the call",
                "130:Ctrl-C (SIGINT): stopped following; a started execution goes on in AWS",
                "143:SIGTERM: stopped following; a started execution goes on in AWS"})
public final class RestorePitrCommand implements Callable<Integer>, ExitCodes.AwsCommand {
    static final String STATE_MACHINE_VARIABLE = "PGVAULT_PITR_STATE_MACHINE_ARN";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter EXECUTION_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Mixin
    AwsOptions aws;

    @Option(names = "--instance", required = true, paramLabel = "ID", description = "The RDS instance to restore from.")
    String instance;

    @ArgGroup(exclusive = true, multiplicity = "1")
    PointInTime when;

    static final class PointInTime {
        @Option(names = "--time", required = true, paramLabel = "T",
                description = "Restore point, ISO-8601 with a zone, e.g. 2024-01-01T11:55:00Z.")
        String time;

        @Option(names = "--latest", required = true, description = "Restore to the latest restorable time.")
        boolean latest;
    }

    @Option(names = "--namespace", required = true, paramLabel = "NS", description = "Kubernetes namespace of the application.")
    String namespace;

    @Option(names = "--secret", required = true, paramLabel = "NAME", description = "Secret holding the DATABASE_URL.")
    String secret;

    @Option(names = "--secret-key", paramLabel = "KEY", defaultValue = ApplicationRef.DEFAULT_SECRET_KEY,
            description = "Key of the DATABASE_URL in the secret (default: ${DEFAULT-VALUE}).")
    String secretKey;

    @Option(names = "--deployment", required = true, paramLabel = "NAME", description = "Deployment to restart.")
    String deployment;

    @Option(names = "--health-url", paramLabel = "URL", description = "Checked for HTTP 2xx after the rollout (optional).")
    String healthUrl;

    @Option(names = "--allow-managed-secret",
            description = "Write the secret even if a controller manages it (External Secrets, Sealed Secrets, Argo CD, "
                    + "an owner): refused otherwise, as the controller would put the old value back at its next sync.")
    boolean allowManagedSecret;

    @Option(names = "--allow-inactive-source",
            description = "Restore --instance even if the application was repointed away from it (the active endpoint "
                    + "record names another database): refused otherwise, as it is usually the superseded instance.")
    boolean allowInactiveSource;

    @Option(names = "--target", paramLabel = "ID",
            description = "Name of the restored instance (default: <instance>-pitr-<yyyy-mm-dd>-<hhmm>). "
                    + "The deployed IAM policy allows names starting with <instance>-.")
    String target;

    @Option(names = "--max-wait-minutes", paramLabel = "N", description = "Give up waiting for the restored instance after N minutes (default 360).")
    Integer maxWaitMinutes;

    @Option(names = "--state-machine-arn", paramLabel = "ARN",
            description = "The deployed state machine (stack output PitrStateMachineArn; default: $" + STATE_MACHINE_VARIABLE + ").")
    String stateMachineArn;

    @Option(names = "--wait", description = "Follow the execution state by state until it ends; the exit code says how.")
    boolean await;

    @Option(names = "--poll-seconds", hidden = true, defaultValue = "10")
    double pollSeconds;

    private final PitrClients injected;
    private final Clock clock;

    public RestorePitrCommand() {
        this(null, Clock.systemUTC());
    }

    /** For tests and embedding: these clients instead of ones built from --region/--endpoint-url. */
    public RestorePitrCommand(PitrClients clients, Clock clock) {
        this.injected = clients;
        this.clock = clock;
    }

    @Override
    public Integer call() throws InterruptedException {
        return restore();
    }

    private int restore() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        PitrClients clients = injected != null ? injected : aws.clients();
        String machine = stateMachine();
        Optional<Instant> time = when.latest ? Optional.empty() : Optional.of(parseTime(when.time));
        PitrStatus status = new PitrInspector(clients.rds()).status(instance);
        RestoreWindow window = checkReachable(status, time);
        String targetName = target != null ? target
                : RestoreTarget.defaultName(instance, time.orElse(clock.instant()));
        RestoreRequest request = new RestoreRequest(instance, time, targetName,
                new ApplicationRef(namespace, secret, secretKey, deployment), health(), Optional.ofNullable(maxWaitMinutes),
                allowManagedSecret, allowInactiveSource);

        out.printf("Restoring %s to %s as %s, then repointing %s/%s (%s of secret %s).%n", instance,
                time.map(Instant::toString).orElse("its latest restorable time (now " + window.latest() + ")"),
                targetName, namespace, deployment, request.application().secretKey(), secret);
        StartExecutionResponse started = clients.sfn().startExecution(r -> r.stateMachineArn(machine)
                .name(executionName()).input(request.toJson().toString()));
        out.printf("Execution: %s%n", started.executionArn());
        if (!await) {
            out.println("Follow it with --wait, in the Step Functions console, or by the notice it sends when done.");
            return ExitCodes.OK;
        }
        DescribeExecutionResponse end = new ExecutionFollower(clients.sfn(), out,
                Duration.ofMillis((long) (pollSeconds * 1000))).follow(started.executionArn());
        return report(end, out, err);
    }

    private String stateMachine() {
        return ExecutionFollower.stateMachineArn(stateMachineArn, STATE_MACHINE_VARIABLE, "PitrStateMachineArn");
    }

    static Instant parseTime(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("--time '" + text
                    + "' is not an ISO-8601 time with a zone, such as 2024-01-01T11:55:00Z or 2024-01-01T12:55:00+01:00");
        }
    }

    private static RestoreWindow checkReachable(PitrStatus status, Optional<Instant> time) {
        if (!status.enabled() || status.window().isEmpty()) {
            throw new InvalidRequestException(status.instanceId() + " has no restorable window"
                    + (status.enabled() ? " yet (no automated backup has completed)" : " (automated backups are off)")
                    + "; enable it with: pgvault pitr enable --instance " + status.instanceId() + " --retention-days 7");
        }
        RestoreWindow window = status.window().get();
        time.ifPresent(t -> {
            if (!window.contains(t)) {
                throw new InvalidRequestException("--time " + t + " is outside the restorable window of "
                        + status.instanceId() + ": from " + window.earliest() + " to before " + window.latest());
            }
        });
        return window;
    }

    private Optional<URI> health() {
        if (healthUrl == null) {
            return Optional.empty();
        }
        try {
            URI url = new URI(healthUrl);
            if (url.getHost() == null || !(healthUrl.startsWith("http://") || healthUrl.startsWith("https://"))) {
                throw new URISyntaxException(healthUrl, "not absolute http(s)");
            }
            return Optional.of(url);
        } catch (URISyntaxException e) {
            throw new InvalidRequestException("--health-url '" + healthUrl + "' must be an absolute http:// or https:// URL");
        }
    }

    /** Unique, readable, within Step Functions' 80 characters: pitr-<instance>-<time>. */
    private String executionName() {
        String stamp = EXECUTION_TIME.format(clock.instant());
        String base = instance.length() > 80 - 6 - stamp.length() ? instance.substring(0, 80 - 6 - stamp.length()) : instance;
        return "pitr-" + base + "-" + stamp;
    }

    private static int report(DescribeExecutionResponse end, PrintWriter out, PrintWriter err) {
        ExecutionStatus status = end.status();
        if (status == ExecutionStatus.SUCCEEDED) {
            try {
                JsonNode notice = JSON.readTree(end.output());
                out.printf("Restored %s to %s as %s; %s/%s now uses %s.%n", notice.path("sourceInstance").asText(),
                        notice.path("restorePoint").asText(), notice.path("restoredInstance").asText(),
                        notice.path("application").path("namespace").asText(),
                        notice.path("application").path("deployment").asText(),
                        notice.path("endpoint").path("host").asText());
                if (notice.path("rtoSeconds").isNumber()) {
                    out.printf("RTO %s (start to healthy application); RPO: restore point %s, %s before the start.%n",
                            Durations.human(Duration.ofSeconds(notice.path("rtoSeconds").asLong())),
                            notice.path("restorePoint").asText(),
                            Durations.human(Duration.ofSeconds(notice.path("rpoSeconds").asLong())));
                }
                if (notice.path("activeEndpointRecord").isTextual()) {
                    out.printf("Active endpoint: %s.%n", notice.path("activeEndpointRecord").asText());
                }
                JsonNode verification = notice.path("settings").path("verification");
                if (verification.path("summary").isTextual()) {
                    out.printf("Settings of the restored instance: %s.%n", verification.path("summary").asText());
                }
                if (notice.path("checklist").isArray() && !notice.path("checklist").isEmpty()) {
                    out.println("Left for you:");
                    int item = 1;
                    for (JsonNode line : notice.path("checklist")) {
                        out.printf("  %d. %s%n", item++, line.asText());
                    }
                }
            } catch (IOException e) {
                out.println("Restored; output: " + end.output());
            }
        } else {
            err.printf("Restore %s: %s%n", status.toString().toLowerCase().replace('_', ' '),
                    end.error() == null ? "" : end.error());
            if (end.cause() != null) {
                err.println("  " + end.cause());
            }
        }
        return ExecutionFollower.exitCode(status);
    }
}
