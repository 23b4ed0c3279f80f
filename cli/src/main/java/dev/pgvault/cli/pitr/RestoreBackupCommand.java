package dev.pgvault.cli.pitr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.cli.ExitCodes;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.repoint.ApplicationRef;
import dev.pgvault.restore.BackupRestoreService;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.sfn.model.DescribeExecutionResponse;
import software.amazon.awssdk.services.sfn.model.ExecutionStatus;
import software.amazon.awssdk.services.sfn.model.StartExecutionResponse;

/**
 * {@code pgvault restore backup}: starts the deployed backup-restore state machine (a new database
 * restored from a backup, verified, erased, migrated, then the application repointed at it) and, with
 * {@code --wait}, follows it state by state to the end, like {@code restore pitr --wait}.
 */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {
                "Restore a backup into a new database and point the application at it, as one execution of the deployed"
                        + " backup-restore state machine: verified against the manifest, the erasure ledger applied, the"
                        + " migration Job run; the application keeps its database if anything fails."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
                "0:started (without --wait), or restored and repointed",
                "1:the restore failed; the application was left on its previous database",
                "2:bad input: nothing was started",
                "3:the execution timed out",
                "4:the execution was stopped",
                "5:AWS could not be reached or refused the call",
                "130:Ctrl-C (SIGINT): stopped following; a started execution goes on in AWS",
                "143:SIGTERM: stopped following; a started execution goes on in AWS"})
public final class RestoreBackupCommand implements Callable<Integer>, ExitCodes.AwsCommand {
    static final String STATE_MACHINE_VARIABLE = "PGVAULT_BACKUP_RESTORE_STATE_MACHINE_ARN";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter EXECUTION_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    @Spec
    CommandSpec spec;

    @Mixin
    AwsOptions aws;

    @Option(names = "--repo", paramLabel = "REPO",
            description = "The repository, for the record (the deployed restore function reads the stack's bucket).")
    String repo;

    @Option(names = "--backup", required = true, paramLabel = "KEY|DATE|latest-verified",
            description = "A key as `pgvault list` shows it, a UTC date (2026-11-24) or latest-verified.")
    String backup;

    @Option(names = "--name", paramLabel = "NAME", description = "Backup name, for a date or latest-verified (default: the stack's).")
    String name;

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

    @Option(names = "--migrate-job", paramLabel = "FILE",
            description = "A Kubernetes Job (YAML or JSON) run against the restored database before the repoint, e.g."
                    + " npx prisma migrate deploy; it gets DATABASE_URL, and its failure stops the restore.")
    Path migrateJob;

    @Option(names = "--allow-unverified", description = "Restore a backup whose last verification failed.")
    boolean allowUnverified;

    @Option(names = "--drop-failed-database",
            description = "Drop the new database when a later step fails (default: keep it for inspection).")
    boolean dropFailedDatabase;

    @Option(names = "--target-secret-arn", paramLabel = "ARN",
            description = "Restore onto the instance of this secret (the stack's RestoreTargetSecretArn) instead of production.")
    String targetSecretArn;

    @Option(names = "--in-place",
            description = "Keep the database's name: that runs from where you are, not in the state machine:"
                    + " `pgvault restore --repo REPO --backup KEY --in-place --namespace NS --deployment NAME`.")
    boolean inPlace;

    @Option(names = "--state-machine-arn", paramLabel = "ARN",
            description = "The deployed state machine (stack output BackupRestoreStateMachineArn; default: $"
                    + STATE_MACHINE_VARIABLE + ").")
    String stateMachineArn;

    @Option(names = "--wait", description = "Follow the execution state by state until it ends; the exit code says how.")
    boolean await;

    @Option(names = "--poll-seconds", hidden = true, defaultValue = "10")
    double pollSeconds;

    private final PitrClients injected;
    private final Clock clock;

    public RestoreBackupCommand() {
        this(null, Clock.systemUTC());
    }

    /** For tests and embedding: these clients instead of ones built from --region/--endpoint-url. */
    public RestoreBackupCommand(PitrClients clients, Clock clock) {
        this.injected = clients;
        this.clock = clock;
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (inPlace) {
            throw new InvalidRequestException("--in-place is not run by the state machine, which restores beside the"
                    + " live database and repoints; for one database name run `pgvault restore --repo REPO --backup KEY"
                    + " --in-place --namespace NS --deployment NAME [--migrate-job FILE --secret NAME]` (the live"
                    + " database is renamed aside, never dropped). Nothing was started");
        }
        String machine = stateMachine();
        ObjectNode input = input();
        PitrClients clients = injected != null ? injected : aws.clients();
        out.printf("Restoring %s%s into a new database, then repointing %s/%s (%s of secret %s)%s.%n", backup,
                name == null ? "" : " of " + name, namespace, deployment, secretKey, secret,
                migrateJob == null ? "" : ", after the migration Job in " + migrateJob);
        StartExecutionResponse started = clients.sfn().startExecution(r -> r.stateMachineArn(machine)
                .name(executionName()).input(input.toString()));
        out.printf("Execution: %s%n", started.executionArn());
        if (!await) {
            out.println("Follow it with --wait, in the Step Functions console, or by the notice it sends when done.");
            return ExitCodes.OK;
        }
        DescribeExecutionResponse end = new ExecutionFollower(clients.sfn(), out,
                Duration.ofMillis((long) (pollSeconds * 1000))).follow(started.executionArn());
        return report(end, out, err);
    }

    /** The execution's input, as events/backup-restore-input.json documents it; checked here first. */
    ObjectNode input() {
        if (!BackupRestoreService.LATEST_VERIFIED.equals(backup) && !backup.matches("\\d{4}-\\d{2}-\\d{2}")
                && dev.pgvault.repository.BackupKey.parse(backup).isEmpty()) {
            throw new InvalidRequestException("--backup '" + backup + "' is not a backup key (like"
                    + " daily/auth-db-backup-2026-11-24.sql.gz), a date (2026-11-24) or latest-verified");
        }
        ApplicationRef app = new ApplicationRef(namespace, secret, secretKey, deployment);
        ObjectNode input = JSON.createObjectNode();
        input.put("backup", backup);
        if (name != null) {
            dev.pgvault.repository.BackupKey.checkName(name);
            input.put("name", name);
        }
        input.put("allowUnverified", allowUnverified);
        ObjectNode application = input.putObject("application");
        application.put("namespace", app.namespace()).put("secretName", app.secretName())
                .put("secretKey", app.secretKey()).put("deployment", app.deployment());
        if (healthUrl != null) {
            if (!healthUrl.matches("^https?://[^/\\s]+.*")) {
                throw new InvalidRequestException("--health-url '" + healthUrl + "' must be an absolute http(s) URL");
            }
            application.put("healthUrl", healthUrl);
        }
        if (targetSecretArn != null) {
            input.put("targetSecretArn", targetSecretArn);
        }
        if (migrateJob != null) {
            input.putObject("migration").set("job", job(migrateJob));
        }
        input.put("keepFailedDatabase", !dropFailedDatabase);
        return input;
    }

    /** The Job file, YAML or JSON, read as a batch/v1 Job and sent as JSON. */
    public static JsonNode job(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidRequestException("--migrate-job " + file + ": no such file");
        } catch (IOException e) {
            throw new InvalidRequestException("--migrate-job " + file + ": " + e.getMessage());
        }
        KubernetesSerialization serialization = new KubernetesSerialization();
        Object parsed;
        try {
            parsed = serialization.unmarshal(text);
        } catch (RuntimeException e) {
            throw new InvalidRequestException("--migrate-job " + file + " is not YAML or JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Job job) || job.getSpec() == null || job.getSpec().getTemplate() == null
                || job.getSpec().getTemplate().getSpec() == null
                || job.getSpec().getTemplate().getSpec().getContainers() == null
                || job.getSpec().getTemplate().getSpec().getContainers().isEmpty()) {
            throw new InvalidRequestException("--migrate-job " + file + " must hold one batch/v1 Job with a container"
                    + " (kind: Job, spec.template.spec.containers)");
        }
        try {
            return JSON.readTree(serialization.asJson(job));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String stateMachine() {
        return ExecutionFollower.stateMachineArn(stateMachineArn, STATE_MACHINE_VARIABLE, "BackupRestoreStateMachineArn");
    }

    /** Unique, readable, within Step Functions' 80 characters: backup-<deployment>-<time>. */
    private String executionName() {
        String stamp = EXECUTION_TIME.format(clock.instant());
        String base = deployment.length() > 80 - 8 - stamp.length() ? deployment.substring(0, 80 - 8 - stamp.length())
                : deployment;
        return "backup-" + base + "-" + stamp;
    }

    private static int report(DescribeExecutionResponse end, PrintWriter out, PrintWriter err) {
        ExecutionStatus status = end.status();
        if (status == ExecutionStatus.SUCCEEDED) {
            try {
                JsonNode notice = JSON.readTree(end.output());
                out.printf("Restored %s (snapshot %s) into %s; %s/%s now uses it.%n", notice.path("backup").asText(),
                        notice.path("snapshotTime").asText(), notice.path("database").asText(),
                        notice.path("application").path("namespace").asText(),
                        notice.path("application").path("deployment").asText());
                if (notice.path("rtoSeconds").isNumber()) {
                    out.printf("RTO %s (start to healthy application); RPO: the backup's snapshot, %s before the start.%n",
                            Durations.human(Duration.ofSeconds(notice.path("rtoSeconds").asLong())),
                            Durations.human(Duration.ofSeconds(notice.path("rpoSeconds").asLong())));
                }
                if (notice.path("erasure").isTextual()) {
                    out.println(notice.path("erasure").asText());
                }
                if (notice.path("note").isTextual()) {
                    out.println(notice.path("note").asText());
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
