package dev.pgvault.cli.pitr;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import dev.pgvault.cli.ExitCodes;
import dev.pgvault.cli.PgvaultCommand;
import picocli.CommandLine;

/** pgvault restore pitr against RDS and Step Functions stand-ins. */
class RestorePitrCommandTest {
    @RegisterExtension
    static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:pgvault-pitr-restore";
    private static final String EXECUTION = "arn:aws:states:eu-west-1:123456789012:execution:pgvault-pitr-restore:pitr-auth-db-prod-20240101T121412Z";
    private static final String[] APP = {"--namespace", "shopping-app", "--secret", "auth-service-secrets",
            "--deployment", "auth-service", "--state-machine-arn", MACHINE};

    private final AwsStandIn aws = new AwsStandIn(wm);
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void instanceWithAWindow() {
        aws.rdsAnswers("DescribeDBInstances", AwsStandIn.instance("auth-db-prod", 7, "2024-01-01T12:10:00Z"));
        aws.rdsAnswers("DescribeDBInstanceAutomatedBackups",
                AwsStandIn.automatedBackups("2023-12-25T02:14:00Z", "2024-01-01T12:10:00Z"));
        wm.stubFor(AwsStandIn.sfn("StartExecution").willReturn(json(
                "{\"executionArn\": \"" + EXECUTION + "\", \"startDate\": 1704111252.0}")));
    }

    @Test
    void startsTheStateMachineWithTheRequestAndReturns() throws Exception {
        int exit = run("--instance", "auth-db-prod", "--time", "2024-01-01T12:55:00+01:00",
                "--health-url", "http://auth-service.shopping-app.svc/health");

        assertThat(exit).isEqualTo(ExitCodes.OK);
        JsonNode start = JSON.readTree(onlySfnCall("StartExecution").getBodyAsString());
        assertThat(start.path("stateMachineArn").asText()).isEqualTo(MACHINE);
        assertThat(start.path("name").asText()).isEqualTo("pitr-auth-db-prod-20240101T121412Z");
        JsonNode input = JSON.readTree(start.path("input").asText());
        assertThat(input.path("sourceInstance").asText()).isEqualTo("auth-db-prod");
        assertThat(input.path("restoreTime").asText()).isEqualTo("2024-01-01T11:55:00Z");
        assertThat(input.has("useLatestRestorableTime")).isFalse();
        assertThat(input.path("targetInstance").asText()).isEqualTo("auth-db-prod-pitr-2024-01-01-1155");
        assertThat(input.path("application").path("namespace").asText()).isEqualTo("shopping-app");
        assertThat(input.path("application").path("secretName").asText()).isEqualTo("auth-service-secrets");
        assertThat(input.path("application").path("secretKey").asText()).isEqualTo("database-url");
        assertThat(input.path("application").path("deployment").asText()).isEqualTo("auth-service");
        assertThat(input.path("application").path("healthUrl").asText()).isEqualTo("http://auth-service.shopping-app.svc/health");
        assertThat(out.toString()).contains("Restoring auth-db-prod to 2024-01-01T11:55:00Z as auth-db-prod-pitr-2024-01-01-1155")
                .contains(EXECUTION);
    }

    @Test
    void latestAsksForTheLatestRestorableTime() throws Exception {
        assertThat(run("--instance", "auth-db-prod", "--latest", "--secret-key", "DATABASE_URL", "--target", "auth-db-prod-restored"))
                .isEqualTo(ExitCodes.OK);
        JsonNode input = JSON.readTree(JSON.readTree(onlySfnCall("StartExecution").getBodyAsString()).path("input").asText());
        assertThat(input.path("useLatestRestorableTime").asBoolean()).isTrue();
        assertThat(input.has("restoreTime")).isFalse();
        assertThat(input.path("targetInstance").asText()).isEqualTo("auth-db-prod-restored");
        assertThat(input.path("application").path("secretKey").asText()).isEqualTo("DATABASE_URL");
        assertThat(input.path("application").has("allowManagedSecret")).as("refused unless asked").isFalse();
        assertThat(input.has("allowInactiveSource")).isFalse();
    }

    @Test
    void aControllerManagedSecretOrAnInactiveSourceIsUsedOnlyWhenExplicitlyAllowed() throws Exception {
        assertThat(run("--instance", "auth-db-prod", "--latest", "--allow-managed-secret", "--allow-inactive-source"))
                .isEqualTo(ExitCodes.OK);
        JsonNode input = JSON.readTree(JSON.readTree(onlySfnCall("StartExecution").getBodyAsString()).path("input").asText());
        assertThat(input.path("application").path("allowManagedSecret").asBoolean()).isTrue();
        assertThat(input.path("allowInactiveSource").asBoolean()).isTrue();
    }

    @Test
    void withWaitItFollowsTheExecutionStateByStateAndEndsWithItsOutcome() {
        String[] firstStates = {"ValidateInput", "ChooseTargetName", "DescribeSource", "RestoreInstance", "WaitForTarget",
                "DescribeTarget", "CheckTargetStatus"};
        List<String> events = new ArrayList<>();
        events.add(event(1, "ExecutionStarted", null));
        int id = 2;
        for (String state : firstStates) {
            events.add(event(id++, "TaskStateEntered", state));
        }
        String firstPage = "{\"events\": [" + String.join(",", events) + "]}";
        for (int poll = 0; poll < 11; poll++) {
            events.add(event(id++, "WaitStateEntered", "WaitForTarget"));
            events.add(event(id++, "TaskStateEntered", "DescribeTarget"));
        }
        for (String state : new String[] {"VerifyTarget", "Repoint", "NotifySuccess", "Restored"}) {
            events.add(event(id++, "TaskStateEntered", state));
        }
        events.add(event(id, "ExecutionSucceeded", null));
        String fullHistory = "{\"events\": [" + String.join(",", events) + "]}";
        wm.stubFor(AwsStandIn.sfn("GetExecutionHistory").inScenario("history").whenScenarioStateIs(STARTED)
                .willReturn(json(firstPage)).willSetStateTo("done"));
        wm.stubFor(AwsStandIn.sfn("GetExecutionHistory").inScenario("history").whenScenarioStateIs("done")
                .willReturn(json(fullHistory)));
        String notice = "{\"outcome\":\"RESTORED\",\"sourceInstance\":\"auth-db-prod\",\"restoredInstance\":\"auth-db-prod-pitr-2024-01-01-1155\","
                + "\"restorePoint\":\"2024-01-01T11:55:00Z\",\"endpoint\":{\"host\":\"restored.example.com\",\"port\":5432},"
                + "\"application\":{\"namespace\":\"shopping-app\",\"deployment\":\"auth-service\"},\"rtoSeconds\":2490,\"rpoSeconds\":300,"
                + "\"activeEndpointRecord\":\"recorded in SSM parameter /pgvault/prod/active-endpoint\","
                + "\"settings\":{\"verification\":{\"matches\":true,\"summary\":\"29 settings compared: all as on the source\"}},"
                + "\"checklist\":[\"Inspect the superseded instance auth-db-prod, then delete it.\","
                + "\"Backups dump the database named by the DatabaseSecret of the backup function: point it at restored.example.com:5432.\"]}";
        wm.stubFor(AwsStandIn.sfn("DescribeExecution").willReturn(json("{\"executionArn\": \"" + EXECUTION
                + "\", \"stateMachineArn\": \"" + MACHINE + "\", \"status\": \"SUCCEEDED\", \"startDate\": 1704111252.0,"
                + " \"output\": " + JSON.valueToTree(notice) + "}")));

        int exit = run("--instance", "auth-db-prod", "--time", "2024-01-01T11:55:00Z", "--wait", "--poll-seconds", "0.01");

        assertThat(exit).isEqualTo(ExitCodes.OK);
        String printed = out.toString();
        assertThat(printed).containsSubsequence("ValidateInput", "DescribeSource", "RestoreInstance", "WaitForTarget",
                "DescribeTarget", "DescribeTarget (entered 10 times)", "VerifyTarget", "Repoint", "NotifySuccess", "Restored");
        assertThat(printed.lines().filter(l -> l.endsWith(" Repoint"))).hasSize(1);
        assertThat(printed).contains("Restored auth-db-prod to 2024-01-01T11:55:00Z as auth-db-prod-pitr-2024-01-01-1155; "
                + "shopping-app/auth-service now uses restored.example.com.")
                .contains("RTO 41m 30s").contains("5m 0s before the start")
                .contains("Active endpoint: recorded in SSM parameter /pgvault/prod/active-endpoint.")
                .contains("Settings of the restored instance: 29 settings compared: all as on the source.");
        assertThat(printed).containsSubsequence("Left for you:", "  1. Inspect the superseded instance auth-db-prod",
                "  2. Backups dump the database named by the DatabaseSecret");
        for (LoggedRequest history : sfnCalls("GetExecutionHistory")) {
            assertThat(history.getBodyAsString()).contains("\"includeExecutionData\":false");
        }
        assertThat(sfnCalls("GetExecutionHistory")).hasSize(2);
    }

    @Test
    void aFailedExecutionEndsWithItsCauseAndExitCodeOne() {
        wm.stubFor(AwsStandIn.sfn("GetExecutionHistory").willReturn(json("{\"events\": ["
                + event(1, "ExecutionStarted", null) + "," + event(2, "ChoiceStateEntered", "CheckRestoreWindow") + ","
                + event(3, "FailStateEntered", "RestoreFailed") + "," + event(4, "ExecutionFailed", null) + "]}")));
        wm.stubFor(AwsStandIn.sfn("DescribeExecution").willReturn(json("{\"executionArn\": \"" + EXECUTION
                + "\", \"stateMachineArn\": \"" + MACHINE + "\", \"status\": \"FAILED\", \"startDate\": 1704111252.0,"
                + " \"error\": \"pgvault.RestoredInstanceFailed\", \"cause\": \"the restored instance x ended in status failed\"}")));

        int exit = run("--instance", "auth-db-prod", "--latest", "--wait", "--poll-seconds", "0.01");

        assertThat(exit).isEqualTo(ExitCodes.FAILED);
        assertThat(out.toString()).contains("CheckRestoreWindow").contains("RestoreFailed");
        assertThat(err.toString()).contains("Restore failed: pgvault.RestoredInstanceFailed").contains("ended in status failed");
    }

    @Test
    void aTimeOutsideTheWindowStartsNothing() {
        int exit = run("--instance", "auth-db-prod", "--time", "2023-12-01T00:00:00Z");
        assertThat(exit).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("outside the restorable window of auth-db-prod: from 2023-12-25T02:14:00Z to before 2024-01-01T12:10:00Z");
        assertThat(sfnCalls("StartExecution")).isEmpty();
    }

    @Test
    void badInputIsNamedAndStartsNothing() {
        assertThat(run("--instance", "auth-db-prod", "--time", "yesterday")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("--time 'yesterday' is not an ISO-8601 time");
        assertThat(run("--instance", "auth-db-prod", "--time", "2024-01-01T11:55:00Z", "--latest"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("mutually exclusive");
        assertThat(run("--instance", "auth-db-prod", "--latest", "--target", "auth-db-prod")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("must differ from the source");
        assertThat(run("--instance", "auth-db-prod", "--latest", "--namespace", "Shop_App")).isEqualTo(ExitCodes.USAGE);
        assertThat(err.toString()).contains("namespace 'Shop_App'");
        assertThat(sfnCalls("StartExecution")).isEmpty();
    }

    @Test
    void withoutAStateMachineItSaysWhereToFindOne() {
        CommandLine cli = new CommandLine(new RestorePitrCommand(aws.clients(), clock()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        PgvaultCommand.configure(cli, null);
        int exit = cli.execute("--instance", "auth-db-prod", "--latest", "--namespace", "shopping-app", "--secret", "s",
                "--deployment", "d");
        // The variable may be set on a developer's machine; then the run goes ahead against the stand-in.
        if (System.getenv(RestorePitrCommand.STATE_MACHINE_VARIABLE) == null) {
            assertThat(exit).isEqualTo(ExitCodes.USAGE);
            assertThat(err.toString()).contains("--state-machine-arn").contains("PitrStateMachineArn");
        }
    }

    private int run(String... args) {
        CommandLine cli = new CommandLine(new RestorePitrCommand(aws.clients(), clock()));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        PgvaultCommand.configure(cli, null);
        // The application options every run needs, unless the test gives its own.
        List<String> all = new ArrayList<>();
        List<String> given = List.of(args);
        for (int i = 0; i < APP.length; i += 2) {
            if (!given.contains(APP[i])) {
                all.add(APP[i]);
                all.add(APP[i + 1]);
            }
        }
        all.addAll(given);
        return cli.execute(all.toArray(String[]::new));
    }

    private static Clock clock() {
        return Clock.fixed(Instant.parse("2024-01-01T12:14:12Z"), ZoneOffset.UTC);
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/x-amz-json-1.0").withBody(body);
    }

    private static String event(int id, String type, String state) {
        String details = state == null ? "" : ", \"stateEnteredEventDetails\": {\"name\": \"" + state + "\"}";
        return "{\"id\": " + id + ", \"type\": \"" + type + "\", \"timestamp\": " + (1704111252 + id) + ".0" + details + "}";
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
