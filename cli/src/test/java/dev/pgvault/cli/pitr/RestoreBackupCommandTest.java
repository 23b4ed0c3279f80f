package dev.pgvault.cli.pitr;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.pgvault.cli.ExitCodes;
import dev.pgvault.cli.PgvaultCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** pgvault restore backup against a Step Functions stand-in: the input it sends, --wait, bad input. */
class RestoreBackupCommandTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:pgvault-backup-restore";
    private static final String EXECUTION = "arn:aws:states:eu-west-1:123456789012:execution:pgvault-backup-restore:"
            + "backup-auth-service-20261125T090000Z";
    private static final String[] APP = {"--namespace", "shopping-app", "--secret", "auth-service-secrets",
            "--deployment", "auth-service", "--state-machine-arn", MACHINE};

    @TempDir
    Path dir;

    private final AwsStandIn aws = new AwsStandIn(wm);
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void startable() {
        wm.stubFor(AwsStandIn.sfn("StartExecution").willReturn(json(
                "{\"executionArn\": \"" + EXECUTION + "\", \"startDate\": 1764061200.0}")));
    }

    @Test
    void theInputIsTheDocumentedOneWithTheMigrationJobReadFromYaml() throws Exception {
        Path job = Files.writeString(dir.resolve("migrate.yaml"), """
                apiVersion: batch/v1
                kind: Job
                metadata:
                  name: auth-service-migrate
                spec:
                  backoffLimit: 0
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                        - name: migrate
                          image: registry.example.com/auth-service:1.42.0
                          command: [npx, prisma, migrate, deploy]
                """);
        int exit = run("--repo", "s3://auth-service-backups-prod", "--backup", "latest-verified", "--name", "auth-db",
                "--migrate-job", job.toString(), "--drop-failed-database");

        assertThat(exit).as(err.toString()).isEqualTo(ExitCodes.OK);
        JsonNode start = JSON.readTree(onlySfnCall("StartExecution").getBodyAsString());
        assertThat(start.path("stateMachineArn").asText()).isEqualTo(MACHINE);
        assertThat(start.path("name").asText()).isEqualTo("backup-auth-service-20261125T090000Z");
        JsonNode input = JSON.readTree(start.path("input").asText());
        JsonNode documented = JSON.readTree(dev.pgvault.testing.ProjectFiles.read("events/backup-restore-input.json"));
        assertThat(input.path("application").path("namespace")).isEqualTo(documented.path("application").path("namespace"));
        assertThat(input.path("backup").asText()).isEqualTo("latest-verified");
        assertThat(input.path("name").asText()).isEqualTo("auth-db");
        assertThat(input.path("allowUnverified").asBoolean()).isFalse();
        assertThat(input.path("keepFailedDatabase").asBoolean()).isFalse();
        assertThat(input.path("migration").path("job").path("spec").path("template").path("spec").path("containers")
                .get(0).path("command").toString()).isEqualTo("[\"npx\",\"prisma\",\"migrate\",\"deploy\"]");
        assertThat(out.toString()).contains(EXECUTION);
    }

    @Test
    void withWaitItFollowsTheExecutionAndReportsRtoAndRpo() {
        String[] states = {"ValidateInput", "ApplyDefaults", "ChooseBackup", "CheckApplication", "IsCold",
                "RestoreIntoNewDatabase", "ApplyLedger", "HasMigration", "Repoint", "RecordActiveEndpoint",
                "NotifySuccess", "Restored"};
        List<String> events = new ArrayList<>();
        events.add(event(1, "ExecutionStarted", null));
        int id = 2;
        for (String state : states) {
            events.add(event(id++, "TaskStateEntered", state));
        }
        events.add(event(id, "ExecutionSucceeded", null));
        wm.stubFor(AwsStandIn.sfn("GetExecutionHistory").willReturn(json("{\"events\": [" + String.join(",", events) + "]}")));
        String notice = "{\"outcome\":\"RESTORED\",\"backup\":\"daily/auth-db-backup-2026-11-24.sql.gz\","
                + "\"snapshotTime\":\"2026-11-24T02:00:03Z\",\"database\":\"auth_db_restore_20261125_090000\","
                + "\"application\":{\"namespace\":\"shopping-app\",\"deployment\":\"auth-service\"},\"rtoSeconds\":1500,"
                + "\"rpoSeconds\":111600,\"erasure\":\"erasure ledger: 1 entry applied by 1 statement\"}";
        wm.stubFor(AwsStandIn.sfn("DescribeExecution").willReturn(json("{\"executionArn\": \"" + EXECUTION
                + "\", \"stateMachineArn\": \"" + MACHINE + "\", \"status\": \"SUCCEEDED\", \"startDate\": 1764061200.0,"
                + " \"output\": " + JSON.valueToTree(notice) + "}")));

        int exit = run("--backup", "2026-11-24", "--wait", "--poll-seconds", "0.01");

        assertThat(exit).isEqualTo(ExitCodes.OK);
        assertThat(out.toString()).containsSubsequence("ChooseBackup", "RestoreIntoNewDatabase", "ApplyLedger", "Repoint",
                "Restored").contains("into auth_db_restore_20261125_090000; shopping-app/auth-service now uses it")
                .contains("RTO 25m 0s").contains("erasure ledger: 1 entry");
    }

    @Test
    void aFailedExecutionExitsOneWithItsCause() {
        wm.stubFor(AwsStandIn.sfn("GetExecutionHistory").willReturn(json("{\"events\": ["
                + event(1, "ExecutionStarted", null) + "," + event(2, "TaskStateEntered", "ChooseBackup") + ","
                + event(3, "FailStateEntered", "RestoreFailed") + "," + event(4, "ExecutionFailed", null) + "]}")));
        wm.stubFor(AwsStandIn.sfn("DescribeExecution").willReturn(json("{\"executionArn\": \"" + EXECUTION
                + "\", \"stateMachineArn\": \"" + MACHINE + "\", \"status\": \"FAILED\", \"startDate\": 1764061200.0,"
                + " \"error\": \"dev.pgvault.errors.BackupNotVerifiedException\", \"cause\": \"failed its last verification\"}")));

        assertThat(run("--backup", "latest-verified", "--wait", "--poll-seconds", "0.01")).isEqualTo(ExitCodes.FAILED);
        assertThat(err.toString()).contains("BackupNotVerifiedException").contains("failed its last verification");
    }

    @Test
    void badInputIsNamedAndStartsNothing() throws Exception {
        assertThat(run("--backup", "yesterday")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--backup 'yesterday' is not a backup key");
        assertThat(run("--backup", "latest-verified", "--in-place")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--in-place --namespace NS --deployment NAME");
        Path pod = Files.writeString(dir.resolve("pod.yaml"), "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n");
        assertThat(run("--backup", "latest-verified", "--migrate-job", pod.toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("must hold one batch/v1 Job");
        assertThat(run("--backup", "latest-verified", "--migrate-job", dir.resolve("none.yaml").toString()))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(sfnCalls("StartExecution")).isEmpty();
    }

    private int run(String... args) {
        CommandLine cli = new CommandLine(new RestoreBackupCommand(aws.clients(),
                Clock.fixed(Instant.parse("2026-11-25T09:00:00Z"), ZoneOffset.UTC)));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        PgvaultCommand.configure(cli, null);
        List<String> all = new ArrayList<>(List.of(APP));
        all.addAll(List.of(args));
        return cli.execute(all.toArray(String[]::new));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.0").withBody(body);
    }

    private static String event(int id, String type, String state) {
        String details = state == null ? "" : ", \"stateEnteredEventDetails\": {\"name\": \"" + state + "\"}";
        return "{\"id\": " + id + ", \"type\": \"" + type + "\", \"timestamp\": " + (1764061200 + id) + ".0" + details + "}";
    }

    private static List<LoggedRequest> sfnCalls(String operation) {
        return wm.findAll(postRequestedFor(urlEqualTo("/")).withHeader("X-Amz-Target", equalTo("AWSStepFunctions." + operation)));
    }

    private static LoggedRequest onlySfnCall(String operation) {
        List<LoggedRequest> calls = sfnCalls(operation);
        assertThat(calls).hasSize(1);
        return calls.get(0);
    }
}
