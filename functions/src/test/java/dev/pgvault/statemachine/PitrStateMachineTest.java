package dev.pgvault.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.testing.LocalStepFunctions;
import dev.pgvault.testing.ProjectFiles;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * statemachines/pitr-restore.asl.json executed by aws-local-stepfunctions with every Task mocked.
 * Each test asserts the path of states taken, not only how the execution ended: a catch-all
 * Catch can reach the right end by the wrong road.
 */
class PitrStateMachineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, String> SUBSTITUTIONS = Map.of(
            "RepointFunctionArn", "arn:aws:lambda:eu-west-1:123456789012:function:pgvault-repoint",
            "NoticeTopicArn", "arn:aws:sns:eu-west-1:123456789012:pgvault-notices");
    private static final String OLD_HOST = "auth-db-prod.c1x2y3z4.eu-west-1.rds.amazonaws.com";
    private static final String TARGET = "auth-db-prod-pitr-2024-01-01-1155";
    private static final String TARGET_HOST = TARGET + ".c1x2y3z4.eu-west-1.rds.amazonaws.com";

    private static final List<String> UP_TO_RESTORE = List.of(
            "ValidateInput", "ChooseTargetName", "NameAfterRestoreTime", "SplitNamingTime", "NameTarget",
            "ChooseWaitLimit", "UseDefaultWaitLimit", "DescribeSource", "CheckSource", "DescribeRestoreWindow",
            "CheckRestoreWindow", "RestorePointRequested", "CheckApplication", "ChooseRestoreKind",
            "RestoreToPointInTime");
    private static final List<String> ONE_POLL = List.of("WaitForTarget", "DescribeTarget", "CheckTargetStatus");

    @Test
    void theDefinitionPassesAslValidator() {
        JsonNode verdict = LocalStepFunctions.validate(ProjectFiles.path("statemachines/pitr-restore.asl.json"));
        assertThat(verdict.path("errors")).isEmpty();
        assertThat(verdict.path("isValid").asBoolean()).isTrue();
    }

    @Test
    void everyTaskHasExplicitRetryAndCatchAndTheMachineATimeout() {
        ObjectNode definition = definition();
        assertThat(definition.has("QueryLanguage")).as("JSONPath, the default").isFalse();
        assertThat(definition.path("TimeoutSeconds").asInt()).isPositive();
        List<String> tasks = new ArrayList<>();
        definition.path("States").properties().forEach(state -> {
            if (state.getValue().path("Type").asText().equals("Task")) {
                tasks.add(state.getKey());
                assertThat(state.getValue().path("Retry")).as(state.getKey() + " Retry").isNotEmpty();
                assertThat(state.getValue().path("Catch")).as(state.getKey() + " Catch").isNotEmpty();
                assertThat(state.getValue().path("TimeoutSeconds").asInt()).as(state.getKey() + " TimeoutSeconds").isPositive();
            }
        });
        assertThat(tasks).contains("DescribeSource", "RestoreToPointInTime", "DescribeTarget", "Repoint", "NotifyFailure");
    }

    @Test
    void happyPathRestoresWaitsRepointsAndNotifiesWithRtoAndRpo() {
        JsonNode run = scenario(input())
                .mock("DescribeTarget", ok(target("creating")), ok(target("backing-up")), ok(target("available")))
                .run();

        List<String> expected = new ArrayList<>(UP_TO_RESTORE);
        expected.addAll(ONE_POLL);
        expected.add("CountPoll");
        expected.addAll(ONE_POLL);
        expected.add("CountPoll");
        expected.addAll(ONE_POLL);
        expected.addAll(List.of("VerifyTarget", "Repoint", "DescribeSuccess", "NotifySuccess", "Restored"));
        assertThat(path(run)).containsExactlyElementsOf(expected);
        assertThat(run.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.path("unmocked")).isEmpty();

        // The restore carries the source's settings over and tags the instance with the execution.
        JsonNode restore = onlyCall(run, "RestoreToPointInTime");
        assertThat(restore.path("SourceDBInstanceIdentifier").asText()).isEqualTo("auth-db-prod");
        assertThat(restore.path("TargetDBInstanceIdentifier").asText()).isEqualTo(TARGET);
        assertThat(restore.path("RestoreTime").asText()).isEqualTo("2024-01-01T11:55:00Z");
        assertThat(restore.has("UseLatestRestorableTime")).isFalse();
        assertThat(restore.path("DbSubnetGroupName").asText()).isEqualTo("auth-db-private");
        assertThat(texts(restore.path("VpcSecurityGroupIds"))).containsExactly("sg-0aaa1111", "sg-0bbb2222");
        assertThat(restore.path("DbParameterGroupName").asText()).isEqualTo("auth-db-pg15");
        assertThat(restore.path("OptionGroupName").asText()).isEqualTo("default:postgres-15");
        assertThat(restore.path("DbInstanceClass").asText()).isEqualTo("db.r6g.large");
        assertThat(restore.path("MultiAZ").asBoolean()).isTrue();
        assertThat(restore.path("PubliclyAccessible").asBoolean()).isFalse();
        assertThat(restore.path("DeletionProtection").asBoolean()).isTrue();
        assertThat(tags(restore)).containsEntry("pgvault:restore-execution", "arn:aws:states:eu-west-1:123456789012:execution:pgvault-pitr-restore:e-42")
                .containsEntry("pgvault:source-instance", "auth-db-prod")
                .containsEntry("pgvault:restore-point", "2024-01-01T11:55:00Z");

        // The application is checked before the restore and repointed at the restored endpoint.
        assertThat(path(run).indexOf("CheckApplication")).isLessThan(path(run).indexOf("RestoreToPointInTime"));
        assertThat(onlyCall(run, "CheckApplication").path("Payload").path("action").asText()).isEqualTo("check");
        JsonNode repoint = onlyCall(run, "Repoint");
        assertThat(repoint.path("FunctionName").asText()).isEqualTo(SUBSTITUTIONS.get("RepointFunctionArn"));
        assertThat(repoint.path("Payload").path("action").asText()).isEqualTo("repoint");
        assertThat(repoint.path("Payload").path("endpoint").path("host").asText()).isEqualTo(TARGET_HOST);
        assertThat(repoint.path("Payload").path("endpoint").path("port").asInt()).isEqualTo(5432);
        assertThat(repoint.path("Payload").path("restorePoint").asText()).isEqualTo("2024-01-01T11:55:00Z");
        assertThat(repoint.path("Payload").path("startedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(repoint.path("Payload").path("application")).isEqualTo(input().path("application"));

        JsonNode notice = notice(run, "NotifySuccess");
        assertThat(notice.path("outcome").asText()).isEqualTo("RESTORED");
        assertThat(notice.path("restoredInstance").asText()).isEqualTo(TARGET);
        assertThat(notice.path("restorePoint").asText()).isEqualTo("2024-01-01T11:55:00Z");
        assertThat(notice.path("rtoSeconds").asInt()).isEqualTo(2490);
        assertThat(notice.path("rpoSeconds").asInt()).isEqualTo(300);
        assertThat(notice.path("endpoint").path("host").asText()).isEqualTo(TARGET_HOST);
        assertThat(notice.path("previousEndpoint").path("host").asText()).isEqualTo(OLD_HOST);
        assertThat(run.path("output")).isEqualTo(notice);
    }

    @Test
    void latestRestorableTimeNamesTheTargetAfterTheStartAndRecordsThePointReached() {
        ObjectNode input = input();
        input.remove("restoreTime");
        input.put("useLatestRestorableTime", true);
        JsonNode run = scenario(input).mock("DescribeTarget", ok(target("available"))).run();

        assertThat(path(run)).containsSubsequence("NameAfterStartTime", "SplitNamingTime", "NameTarget",
                "CheckRestoreWindow", "RestorePointLatest", "CheckApplication", "ChooseRestoreKind",
                "RestoreToLatestTime", "WaitForTarget", "DescribeTarget", "CheckTargetStatus", "VerifyTarget",
                "Repoint", "NotifySuccess", "Restored");
        assertThat(path(run)).doesNotContain("RestoreToPointInTime");
        JsonNode restore = onlyCall(run, "RestoreToLatestTime");
        assertThat(restore.path("UseLatestRestorableTime").asBoolean()).isTrue();
        assertThat(restore.has("RestoreTime")).isFalse();
        assertThat(restore.path("TargetDBInstanceIdentifier").asText()).matches("auth-db-prod-pitr-\\d{4}-\\d\\d-\\d\\d-\\d{4}");
        assertThat(onlyCall(run, "Repoint").path("Payload").path("restorePoint").asText()).isEqualTo("2024-01-01T12:10:00Z");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-12-20T00:00:00Z", "2024-01-01T12:10:00Z", "2024-02-01T00:00:00Z"})
    void aTimeOutsideTheRestorableWindowIsRefusedBeforeAnythingIsCreated(String time) {
        ObjectNode input = input();
        input.put("restoreTime", time);
        JsonNode run = scenario(input).run();

        assertThat(path(run)).containsExactly("ValidateInput", "ChooseTargetName", "NameAfterRestoreTime",
                "SplitNamingTime", "NameTarget", "ChooseWaitLimit", "UseDefaultWaitLimit", "DescribeSource",
                "CheckSource", "DescribeRestoreWindow", "CheckRestoreWindow", "RestoreTimeOutOfRange",
                "DescribeFailure", "NotifyFailure", "RestoreFailed");
        assertThat(run.path("status").asText()).isEqualTo("FAILED");
        assertThat(run.path("error").asText()).isEqualTo("pgvault.RestoreTimeOutOfRange");
        assertThat(run.path("cause").asText()).contains(time).contains("2023-12-25T02:14:00Z").contains("2024-01-01T12:10:00Z");
        JsonNode notice = notice(run, "NotifyFailure");
        assertThat(notice.path("failedStep").asText()).isEqualTo("CheckRestoreWindow");
        assertThat(notice.path("restoredInstance").isNull()).isTrue();
        assertThat(notice.path("application").asText()).startsWith("unchanged");
        assertThat(run.path("calls").has("CheckApplication")).isFalse();
    }

    @Test
    void rdsRefusingTheRestoreIsReportedWithoutRetryingOrRepointing() {
        JsonNode run = scenario(input())
                .mock("RestoreToPointInTime", fail("Rds.DbInstanceAlreadyExistsException",
                        "DB instance already exists (Service: Rds, Status Code: 400)"))
                .run();

        List<String> expected = new ArrayList<>(UP_TO_RESTORE);
        expected.addAll(List.of("RestoreRefused", "DescribeFailure", "NotifyFailure", "RestoreFailed"));
        assertThat(path(run)).containsExactlyElementsOf(expected);
        assertThat(run.path("calls").path("RestoreToPointInTime")).hasSize(1);
        assertThat(run.path("error").asText()).isEqualTo("Rds.DbInstanceAlreadyExistsException");
        JsonNode notice = notice(run, "NotifyFailure");
        assertThat(notice.path("failedStep").asText()).isEqualTo("RestoreDBInstanceToPointInTime");
        assertThat(notice.path("cause").asText()).contains("already exists");
        assertThat(run.path("calls").has("Repoint")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"failed", "incompatible-parameters", "incompatible-restore", "storage-full"})
    void anInstanceThatEndsBadlyIsNeverRepointedTo(String status) {
        JsonNode run = scenario(input()).mock("DescribeTarget", ok(target("creating")), ok(target(status))).run();

        List<String> expected = new ArrayList<>(UP_TO_RESTORE);
        expected.addAll(ONE_POLL);
        expected.add("CountPoll");
        expected.addAll(ONE_POLL);
        expected.addAll(List.of("TargetFailed", "DescribeFailureAfterRestore", "NotifyFailure", "RestoreFailed"));
        assertThat(path(run)).containsExactlyElementsOf(expected);
        assertThat(run.path("error").asText()).isEqualTo("pgvault.RestoredInstanceFailed");
        JsonNode notice = notice(run, "NotifyFailure");
        assertThat(notice.path("failedStep").asText()).isEqualTo("CheckTargetStatus");
        assertThat(notice.path("cause").asText()).contains(status);
        assertThat(notice.path("restoredInstance").asText()).isEqualTo(TARGET);
        assertThat(notice.path("note").asText()).contains("left in place");
        assertThat(run.path("calls").has("Repoint")).isFalse();
    }

    @Test
    void waitingEndsAtTheLimitWithANotice() {
        ObjectNode input = input();
        input.put("maxWaitMinutes", 3);
        JsonNode run = scenario(input).mock("DescribeTarget", ok(target("creating"))).run();

        List<String> path = path(run);
        assertThat(path).containsSubsequence("ChooseWaitLimit", "UseGivenWaitLimit", "DescribeSource");
        assertThat(path.stream().filter("DescribeTarget"::equals)).hasSize(4);
        assertThat(path.stream().filter("CountPoll"::equals)).hasSize(3);
        assertThat(path.subList(path.size() - 5, path.size())).containsExactly("CheckTargetStatus", "WaitTimedOut",
                "DescribeFailureAfterRestore", "NotifyFailure", "RestoreFailed");
        assertThat(run.path("error").asText()).isEqualTo("pgvault.RestoreWaitTimedOut");
        assertThat(notice(run, "NotifyFailure").path("cause").asText()).contains("not available after 3 minutes");
        assertThat(run.path("calls").has("Repoint")).isFalse();
    }

    @Test
    void aCrashedRepointIsUndoneFromTheStateMachine() {
        JsonNode run = scenario(input())
                .mock("DescribeTarget", ok(target("available")))
                .mock("Repoint", fail("Sandbox.Timedout", "Task timed out after 900.00 seconds"))
                .run();

        assertThat(path(run)).containsSubsequence("VerifyTarget", "Repoint", "RepointInterrupted",
                "RollbackApplication", "DescribeFailureAfterRestore", "NotifyFailure", "RestoreFailed");
        JsonNode rollback = onlyCall(run, "RollbackApplication");
        assertThat(rollback.path("Payload").path("action").asText()).isEqualTo("repoint");
        assertThat(rollback.path("Payload").path("endpoint").path("host").asText())
                .as("back to the endpoint CheckApplication found").isEqualTo(OLD_HOST);
        assertThat(run.path("error").asText()).isEqualTo("Sandbox.Timedout");
        JsonNode notice = notice(run, "NotifyFailure");
        assertThat(notice.path("failedStep").asText()).isEqualTo("Repoint");
        assertThat(notice.path("application").asText()).startsWith("unchanged");
    }

    @Test
    void aRepointTheFunctionUndidItselfNeedsNoSecondUndo() {
        JsonNode run = scenario(input())
                .mock("DescribeTarget", ok(target("available")))
                .mock("Repoint", fail("dev.pgvault.errors.RepointRolledBackException",
                        "{\"errorMessage\":\"repoint ... failed and was undone\"}"))
                .run();

        assertThat(path(run)).containsSubsequence("Repoint", "RepointFailed", "DescribeFailureAfterRestore",
                "NotifyFailure", "RestoreFailed");
        assertThat(path(run)).doesNotContain("RollbackApplication");
        assertThat(run.path("calls").path("Repoint")).as("not retried").hasSize(1);
        assertThat(run.path("error").asText()).isEqualTo("dev.pgvault.errors.RepointRolledBackException");
    }

    @Test
    void whenTheUndoFailsTooTheNoticeAsksForAPerson() {
        JsonNode run = scenario(input())
                .mock("DescribeTarget", ok(target("available")))
                .mock("Repoint", fail("dev.pgvault.errors.RollbackFailedException", "rollback failed"))
                .mock("RollbackApplication", fail("dev.pgvault.errors.KubernetesAccessException", "HTTP 403 Forbidden"))
                .run();

        assertThat(path(run)).containsSubsequence("Repoint", "RepointInterrupted", "RollbackApplication",
                "RollbackFailed", "DescribeRollbackFailure", "NotifyFailure", "RestoreFailed");
        assertThat(run.path("error").asText()).isEqualTo("pgvault.RollbackFailed");
        JsonNode sent = run.path("calls").path("NotifyFailure").get(0);
        assertThat(sent.path("Subject").asText()).contains("ACTION REQUIRED");
        JsonNode notice = notice(run, "NotifyFailure");
        assertThat(notice.path("outcome").asText()).isEqualTo("ROLLBACK_FAILED");
        assertThat(notice.path("application").asText()).contains("shopping-app/auth-service").contains(OLD_HOST);
        assertThat(notice.path("cause").asText()).contains("HTTP 403 Forbidden");
    }

    @Test
    void anApplicationThatCannotBeRepointedStopsTheRestoreBeforeItStarts() {
        JsonNode run = scenario(input())
                .mock("CheckApplication", fail("dev.pgvault.errors.InvalidRequestException",
                        "secret shopping-app/auth-service-secrets has no key 'database-url'"))
                .run();
        assertThat(path(run)).containsSubsequence("CheckApplication", "CheckApplicationFailed", "DescribeFailure",
                "NotifyFailure", "RestoreFailed");
        assertThat(run.path("calls").has("RestoreToPointInTime")).isFalse();
        assertThat(notice(run, "NotifyFailure").path("failedStep").asText()).isEqualTo("CheckApplication");
    }

    @Test
    void anUnknownSourceIsNamedAndNotRetried() {
        JsonNode run = scenario(input())
                .mock("DescribeSource", fail("Rds.DbInstanceNotFoundException", "DBInstance auth-db-prod not found."))
                .run();
        assertThat(path(run)).containsSubsequence("DescribeSource", "SourceNotFound", "DescribeFailure", "NotifyFailure",
                "RestoreFailed");
        assertThat(run.path("calls").path("DescribeSource")).hasSize(1);
        assertThat(run.path("cause").asText()).isEqualTo("RDS instance auth-db-prod does not exist in this account and region");
    }

    @Test
    void aPassingRdsHiccupIsRetried() {
        JsonNode run = scenario(input())
                .mock("DescribeSource", fail("Rds.RdsException", "Rate exceeded"), ok(resource("describe-source.json")))
                .mock("DescribeTarget", ok(target("available")))
                .run();
        assertThat(run.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.path("calls").path("DescribeSource")).hasSize(2);
    }

    @Test
    void withoutAutomatedBackupsThereIsNothingToRestore() {
        ObjectNode source = resource("describe-source.json");
        ((ObjectNode) source.path("DbInstances").get(0)).put("BackupRetentionPeriod", 0);
        ((ObjectNode) source.path("DbInstances").get(0)).remove("LatestRestorableTime");
        JsonNode run = scenario(input()).mock("DescribeSource", ok(source)).run();
        assertThat(path(run)).containsSubsequence("CheckSource", "PointInTimeRecoveryOff", "DescribeFailure");
        assertThat(run.path("calls").has("DescribeRestoreWindow")).isFalse();
        assertThat(run.path("cause").asText()).contains("pgvault pitr enable --instance auth-db-prod");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"sourceInstance\": \"auth-db-prod\", \"restoreTime\": \"2024-01-01T11:55:00Z\"}",
            "{\"sourceInstance\": \"auth-db-prod\", \"application\": {\"namespace\": \"a\", \"secretName\": \"b\", \"deployment\": \"c\"}}",
            "{\"sourceInstance\": \"auth-db-prod\", \"restoreTime\": \"2024-01-01T11:55:00Z\", \"useLatestRestorableTime\": true, \"application\": {\"namespace\": \"a\", \"secretName\": \"b\", \"deployment\": \"c\"}}",
            "{\"sourceInstance\": \"auth-db-prod\", \"restoreTime\": \"yesterday noon\", \"application\": {\"namespace\": \"a\", \"secretName\": \"b\", \"deployment\": \"c\"}}",
            "{\"sourceInstance\": \"auth-db-prod\", \"useLatestRestorableTime\": true, \"maxWaitMinutes\": 0, \"application\": {\"namespace\": \"a\", \"secretName\": \"b\", \"deployment\": \"c\"}}",
            "{\"restoreTime\": \"2024-01-01T11:55:00Z\", \"application\": {\"namespace\": \"a\", \"secretName\": \"b\", \"deployment\": \"c\"}}",
    })
    void malformedInputIsRefusedBeforeAnyCall(String input) throws IOException {
        JsonNode run = scenario((ObjectNode) JSON.readTree(input)).run();
        assertThat(path(run)).containsExactly("ValidateInput", "InvalidInput", "DescribeFailure", "NotifyFailure",
                "RestoreFailed");
        assertThat(run.path("error").asText()).isEqualTo("pgvault.InvalidInput");
        assertThat(run.path("calls").size()).as("only the notice").isEqualTo(1);
    }

    @Test
    void theRequestTheCliSendsIsAcceptedAsItIs() {
        var request = new dev.pgvault.pitr.RestoreRequest("auth-db-prod", java.util.Optional.empty(), "auth-db-prod-restored",
                new dev.pgvault.repoint.ApplicationRef("shopping-app", "auth-service-secrets", null, "auth-service"),
                java.util.Optional.empty(), java.util.Optional.of(30));
        JsonNode run = scenario(request.toJson()).mock("DescribeTarget", ok(target("available"))).run();
        assertThat(path(run)).startsWith("ValidateInput", "ChooseTargetName", "UseGivenTargetName", "ChooseWaitLimit",
                "UseGivenWaitLimit", "DescribeSource");
        assertThat(onlyCall(run, "RestoreToLatestTime").path("TargetDBInstanceIdentifier").asText())
                .isEqualTo("auth-db-prod-restored");
        assertThat(run.path("status").asText()).isEqualTo("SUCCEEDED");
    }

    // ------------------------------------------------------------------ helpers

    private static ObjectNode definition() {
        return LocalStepFunctions.definition("pitr-restore.asl.json", SUBSTITUTIONS);
    }

    private static ObjectNode input() {
        try {
            return (ObjectNode) JSON.readTree(ProjectFiles.read("events/pitr-restore-input.json"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode resource(String name) {
        try (InputStream in = PitrStateMachineTest.class.getResourceAsStream("/pitr/" + name)) {
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** DescribeDBInstances of the restored instance, as the SDK integration returns it. */
    private static ObjectNode target(String status) {
        ObjectNode instance = JSON.createObjectNode();
        instance.put("DbInstanceIdentifier", TARGET);
        instance.put("DbInstanceStatus", status);
        instance.put("StorageEncrypted", true);
        if (status.equals("available")) {
            instance.putObject("Endpoint").put("Address", TARGET_HOST).put("Port", 5432);
        }
        ObjectNode response = JSON.createObjectNode();
        response.putArray("DbInstances").add(instance);
        return response;
    }

    private static ObjectNode ok(JsonNode result) {
        ObjectNode step = JSON.createObjectNode();
        step.set("result", result);
        return step;
    }

    private static ObjectNode fail(String error, String cause) {
        return JSON.createObjectNode().put("error", error).put("cause", cause);
    }

    private static Scenario scenario(ObjectNode input) {
        return new Scenario(input);
    }

    /** A run with every Task answered the way a healthy AWS account would, unless told otherwise. */
    private static final class Scenario {
        private final ObjectNode scenario = JSON.createObjectNode();
        private final ObjectNode mocks;

        Scenario(ObjectNode input) {
            scenario.set("definition", definition());
            scenario.set("input", input);
            scenario.putObject("context").putObject("Execution")
                    .put("Id", "arn:aws:states:eu-west-1:123456789012:execution:pgvault-pitr-restore:e-42")
                    .put("Name", "e-42");
            mocks = scenario.putObject("mocks");
            mock("DescribeSource", ok(resource("describe-source.json")));
            mock("DescribeRestoreWindow", ok(resource("describe-backups.json")));
            ObjectNode check = JSON.createObjectNode();
            check.putObject("Payload").put("replicas", 3).put("rollout", "COMPLETE: 3 of 3 replicas updated and available")
                    .putObject("endpoint").put("host", OLD_HOST).put("port", 5432);
            mock("CheckApplication", ok(check));
            ObjectNode created = JSON.createObjectNode();
            created.putObject("DbInstance").put("DbInstanceArn", "arn:aws:rds:eu-west-1:123456789012:db:" + TARGET)
                    .put("DbInstanceStatus", "creating");
            mock("RestoreToPointInTime", ok(created));
            mock("RestoreToLatestTime", ok(created));
            ObjectNode repointed = JSON.createObjectNode();
            ObjectNode payload = repointed.putObject("Payload");
            payload.put("outcome", "REPOINTED").put("changed", true).put("completedAt", "2024-01-01T12:41:30Z")
                    .put("detail", "rolled out").put("rtoSeconds", 2490).put("rpoSeconds", 300);
            payload.putObject("endpoint").put("host", TARGET_HOST).put("port", 5432);
            payload.putObject("previousEndpoint").put("host", OLD_HOST).put("port", 5432);
            mock("Repoint", ok(repointed));
            ObjectNode back = JSON.createObjectNode();
            back.putObject("Payload").put("outcome", "REPOINTED").put("changed", true);
            mock("RollbackApplication", ok(back));
            mock("NotifySuccess", ok(JSON.createObjectNode().put("MessageId", "m-1")));
            mock("NotifyFailure", ok(JSON.createObjectNode().put("MessageId", "m-2")));
        }

        Scenario mock(String state, ObjectNode... steps) {
            ArrayNode list = mocks.putArray(state);
            for (ObjectNode step : steps) {
                list.add(step);
            }
            return this;
        }

        JsonNode run() {
            JsonNode report = LocalStepFunctions.run(scenario);
            assertThat(report.path("unmocked")).as("Task states without a mock").isEmpty();
            // SNS refuses subjects over 100 characters; every notice must fit.
            for (String notify : List.of("NotifySuccess", "NotifyFailure")) {
                for (JsonNode call : report.path("calls").path(notify)) {
                    assertThat(call.path("Subject").asText()).hasSizeLessThanOrEqualTo(100);
                    assertThat(call.path("TopicArn").asText()).isEqualTo(SUBSTITUTIONS.get("NoticeTopicArn"));
                }
            }
            return report;
        }
    }

    private static List<String> path(JsonNode run) {
        return texts(run.path("path"));
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static JsonNode onlyCall(JsonNode run, String state) {
        JsonNode calls = run.path("calls").path(state);
        assertThat(calls).as(state + " calls").hasSize(1);
        return calls.get(0);
    }

    private static JsonNode notice(JsonNode run, String state) {
        JsonNode calls = run.path("calls").path(state);
        assertThat(calls).as(state + " calls").isNotEmpty();
        try {
            return JSON.readTree(calls.get(0).path("Message").asText());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> tags(JsonNode restore) {
        Map<String, String> tags = new java.util.LinkedHashMap<>();
        for (Iterator<JsonNode> it = restore.path("Tags").elements(); it.hasNext(); ) {
            JsonNode tag = it.next();
            tags.put(tag.path("Key").asText(), tag.path("Value").asText());
        }
        return tags;
    }
}
