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
            "NoticeTopicArn", "arn:aws:sns:eu-west-1:123456789012:pgvault-notices",
            "PitrStepsFunctionArn", "arn:aws:lambda:eu-west-1:123456789012:function:pgvault-pitr-steps",
            "RestoreFunctionArn", "arn:aws:lambda:eu-west-1:123456789012:function:pgvault-restore",
            "ActiveEndpointParameterName", "/pgvault/prod/active-endpoint");
    private static final String EXECUTION = "arn:aws:states:eu-west-1:123456789012:execution:pgvault-pitr-restore:e-42";
    private static final String START = "2024-01-01T12:00:00Z";
    private static final String OLD_HOST = "auth-db-prod.c1x2y3z4.eu-west-1.rds.amazonaws.com";
    private static final String TARGET = "auth-db-prod-pitr-2024-01-01-1155";
    private static final String TARGET_HOST = TARGET + ".c1x2y3z4.eu-west-1.rds.amazonaws.com";

    private static final List<String> UP_TO_RESTORE = List.of(
            "ValidateInput", "ChooseTargetName", "NameAfterRestoreTime", "SplitNamingTime", "NameTarget",
            "ChooseWaitLimit", "UseDefaultWaitLimit", "DescribeSource", "CheckSource", "DescribeRestoreWindow",
            "ReadActiveEndpoint", "PlanRestore", "CheckSourceIsActive", "CheckRestoreWindow", "RestorePointRequested",
            "CheckApplication", "RestoreInstance");
    private static final List<String> AFTER_AVAILABLE = List.of("VerifyTarget", "ReapplySettings", "ApplyErasureLedger", "Repoint",
            "DescribeActiveEndpoint", "RecordActiveEndpoint", "TagSuperseded", "DescribeRestored", "CompareSettings",
            "DescribeSuccess", "NotifySuccess", "Restored");
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
        assertThat(tasks).contains("DescribeSource", "PlanRestore", "RestoreInstance", "DescribeTarget", "ReapplySettings",
                "Repoint", "RecordActiveEndpoint", "TagSuperseded", "CompareSettings", "NotifyFailure");
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
        expected.addAll(AFTER_AVAILABLE);
        assertThat(path(run)).containsExactlyElementsOf(expected);
        assertThat(run.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(run.path("unmocked")).isEmpty();

        // The restore carries the source's settings over and tags the instance with the execution.
        JsonNode plan = onlyCall(run, "PlanRestore");
        assertThat(plan.path("FunctionName").asText()).isEqualTo(SUBSTITUTIONS.get("PitrStepsFunctionArn"));
        assertThat(plan.path("Payload").path("state").path("sourceState").path("instance").path("DbiResourceId").asText())
                .isEqualTo("db-ABCDEFGHIJKLMNOP");
        JsonNode restore = onlyCall(run, "RestoreInstance");
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
        assertThat(restore.path("CopyTagsToSnapshot").asBoolean()).isTrue();
        assertThat(restore.path("EnableIAMDatabaseAuthentication").asBoolean()).isFalse();
        assertThat(restore.path("AutoMinorVersionUpgrade").asBoolean()).isTrue();
        assertThat(restore.path("StorageType").asText()).isEqualTo("gp3");
        assertThat(restore.path("Iops").asInt()).isEqualTo(12000);
        assertThat(restore.path("StorageThroughput").asInt()).isEqualTo(500);
        assertThat(restore.path("MaxAllocatedStorage").asInt()).isEqualTo(1000);
        assertThat(texts(restore.path("EnableCloudwatchLogsExports"))).containsExactly("postgresql", "upgrade");
        assertThat(restore.path("CaCertificateIdentifier").asText()).isEqualTo("rds-ca-rsa2048-g1");
        assertThat(restore.path("Port").asInt()).isEqualTo(5432);
        assertThat(restore.path("NetworkType").asText()).isEqualTo("IPV4");
        assertThat(tags(restore)).containsEntry("pgvault:restore-execution", EXECUTION)
                .containsEntry("pgvault:source-instance", "auth-db-prod")
                .containsEntry("pgvault:restore-point", "2024-01-01T11:55:00Z")
                .containsEntry("team", "identity")
                .doesNotContainKeys("aws:cloudformation:stack-name", "pgvault:superseded-by");
        assertThat(restore.has("plan")).as("the request only, not the execution's state").isFalse();

        // What the restore call cannot take is re-applied once the instance is available, before the repoint.
        JsonNode modify = onlyCall(run, "ReapplySettings");
        assertThat(modify.path("DbInstanceIdentifier").asText()).isEqualTo(TARGET);
        assertThat(modify.path("ApplyImmediately").asBoolean()).isTrue();
        assertThat(modify.path("BackupRetentionPeriod").asInt()).isEqualTo(7);
        assertThat(modify.path("PreferredBackupWindow").asText()).isEqualTo("02:00-03:00");
        assertThat(modify.path("PreferredMaintenanceWindow").asText()).isEqualTo("sun:04:00-sun:05:00");
        assertThat(modify.path("MonitoringInterval").asInt()).isEqualTo(60);
        assertThat(modify.path("MonitoringRoleArn").asText()).isEqualTo("arn:aws:iam::123456789012:role/rds-monitoring-role");
        assertThat(modify.path("EnablePerformanceInsights").asBoolean()).isTrue();
        assertThat(modify.path("PerformanceInsightsKMSKeyId").asText()).endsWith("key/3333-4444");
        assertThat(modify.path("PerformanceInsightsRetentionPeriod").asInt()).isEqualTo(7);

        // After the repoint, and only then: the active endpoint is recorded and the source tagged superseded.
        JsonNode record = onlyCall(run, "RecordActiveEndpoint");
        assertThat(record.path("Name").asText()).isEqualTo("/pgvault/prod/active-endpoint");
        assertThat(record.path("Overwrite").asBoolean()).isTrue();
        dev.pgvault.repoint.ActiveEndpoint active = dev.pgvault.repoint.ActiveEndpoint.parse(
                record.path("Value").asText(), "the recorded value").orElseThrow();
        assertThat(active.host()).isEqualTo(TARGET_HOST);
        assertThat(active.port()).isEqualTo(5432);
        assertThat(active.database()).isEqualTo("auth_db");
        assertThat(active.instance()).contains(TARGET);
        assertThat(active.recordedBy()).contains(EXECUTION);
        assertThat(active.recordedAt()).isPresent();
        assertThat(path(run).indexOf("RecordActiveEndpoint")).isGreaterThan(path(run).indexOf("Repoint"));
        JsonNode superseded = onlyCall(run, "TagSuperseded");
        assertThat(superseded.path("ResourceName").asText()).isEqualTo("arn:aws:rds:eu-west-1:123456789012:db:auth-db-prod");
        assertThat(tags(superseded)).containsEntry("pgvault:superseded-by", TARGET)
                .containsEntry("pgvault:superseded-by-execution", EXECUTION).containsKey("pgvault:superseded-at");
        JsonNode compare = onlyCall(run, "CompareSettings");
        assertThat(compare.path("Payload").path("source").path("DbInstanceIdentifier").asText()).isEqualTo("auth-db-prod");
        assertThat(compare.path("Payload").path("restored").path("DbInstanceIdentifier").asText()).isEqualTo(TARGET);

        // The application is checked before the restore and repointed at the restored endpoint.
        assertThat(path(run).indexOf("CheckApplication")).isLessThan(path(run).indexOf("RestoreInstance"));
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
        assertThat(notice.path("activeEndpoint").path("host").asText()).isEqualTo(TARGET_HOST);
        assertThat(notice.path("activeEndpointRecord").asText()).isEqualTo("recorded in SSM parameter /pgvault/prod/active-endpoint");
        assertThat(notice.path("superseded").asText()).isEqualTo("auth-db-prod: tagged pgvault:superseded-by");
        assertThat(texts(notice.path("settings").path("carried"))).contains("StorageType", "Iops", "StorageThroughput",
                "MaxAllocatedStorage", "EnableCloudwatchLogsExports", "CaCertificateIdentifier");
        assertThat(texts(notice.path("settings").path("reapplied"))).contains("BackupRetentionPeriod",
                "PreferredBackupWindow", "MonitoringInterval", "EnablePerformanceInsights");
        assertThat(notice.path("settings").path("verification").path("matches").asBoolean()).isTrue();
        assertThat(notice.path("settings").path("verification").path("summary").asText()).contains("all as on the source");
        List<String> checklist = texts(notice.path("checklist"));
        assertThat(checklist).hasSize(4);
        assertThat(checklist.get(0)).contains("Inspect the superseded instance auth-db-prod").contains("delete it");
        assertThat(checklist.get(1)).contains("DatabaseSecret").contains(TARGET_HOST + ":5432").contains("WrongSource");
        assertThat(checklist.get(2)).contains("pgvault restore pitr --instance " + TARGET);
        assertThat(checklist.get(3)).contains("all as on the source");
        assertThat(run.path("output")).isEqualTo(notice);
    }

    @Test
    void theErasureLedgerIsAppliedToTheRestoredInstanceBeforeTheRepoint() {
        JsonNode run = scenario(input()).mock("DescribeTarget", ok(target("available"))).run();

        JsonNode erase = onlyCall(run, "ApplyErasureLedger");
        assertThat(erase.path("FunctionName").asText()).isEqualTo(SUBSTITUTIONS.get("RestoreFunctionArn"));
        assertThat(erase.path("Payload").path("action").asText()).isEqualTo("erase");
        assertThat(erase.path("Payload").path("host").asText()).isEqualTo(TARGET_HOST);
        assertThat(erase.path("Payload").path("port").asInt()).isEqualTo(5432);
        assertThat(path(run)).containsSubsequence("ApplyErasureLedger", "Repoint");
        assertThat(notice(run, "NotifySuccess").path("erasure").asText()).contains("2 entries");
    }

    @Test
    void aLedgerThatCannotBeAppliedStopsBeforeTheRepoint() {
        JsonNode run = scenario(input()).mock("DescribeTarget", ok(target("available")))
                .mock("ApplyErasureLedger", fail("dev.pgvault.errors.RestoreFailedException",
                        "the erasure ledger's statement 1 failed for entry 0123: 42P01 relation users does not exist"))
                .run();

        assertThat(path(run)).containsSubsequence("ReapplySettings", "ApplyErasureLedger", "ErasureLedgerFailed",
                "DescribeFailureAfterRestore", "NotifyFailure", "RestoreFailed");
        assertThat(run.path("calls").has("Repoint")).isFalse();
        assertThat(notice(run, "NotifyFailure").path("failedStep").asText()).isEqualTo("ApplyErasureLedger");
    }

    @Test
    void aRetriedRestoreThatFindsItsOwnTaggedInstanceGoesOnWaiting() {
        ObjectNode existing = restoredInstance("creating");
        existing.putArray("TagList").addObject().put("Key", "pgvault:restore-execution").put("Value", EXECUTION);
        JsonNode run = scenario(input())
                .mock("RestoreInstance", fail("Rds.DbInstanceAlreadyExistsException", "DB instance already exists"))
                .mock("DescribeExisting", ok(describe(existing)))
                .mock("IdentifyExisting", ok(payload(dev.pgvault.pitr.RestoredInstanceCheck.owner(existing, EXECUTION))))
                .mock("DescribeTarget", ok(target("available")))
                .run();

        List<String> expected = new ArrayList<>(UP_TO_RESTORE);
        expected.addAll(List.of("DescribeExisting", "IdentifyExisting", "IsExistingOurs"));
        expected.addAll(ONE_POLL);
        expected.addAll(AFTER_AVAILABLE);
        assertThat(path(run)).containsExactlyElementsOf(expected);
        assertThat(run.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(onlyCall(run, "IdentifyExisting").path("Payload").path("execution").asText()).isEqualTo(EXECUTION);
    }

    @Test
    void anInstanceOfAnotherExecutionUnderTheTargetNameIsLeftAloneAndTheRestoreFails() {
        ObjectNode existing = restoredInstance("available");
        existing.putArray("TagList").addObject().put("Key", "pgvault:restore-execution")
                .put("Value", "arn:aws:states:eu-west-1:123456789012:execution:pgvault-pitr-restore:e-41");
        JsonNode run = scenario(input())
                .mock("RestoreInstance", fail("Rds.DbInstanceAlreadyExistsException", "DB instance already exists"))
                .mock("DescribeExisting", ok(describe(existing)))
                .mock("IdentifyExisting", ok(payload(dev.pgvault.pitr.RestoredInstanceCheck.owner(existing, EXECUTION))))
                .run();

        List<String> expected = new ArrayList<>(UP_TO_RESTORE);
        expected.addAll(List.of("DescribeExisting", "IdentifyExisting", "IsExistingOurs", "ExistingNotOurs",
                "DescribeFailure", "NotifyFailure", "RestoreFailed"));
        assertThat(path(run)).containsExactlyElementsOf(expected);
        assertThat(run.path("error").asText()).isEqualTo("pgvault.TargetInstanceExists");
        assertThat(run.path("cause").asText()).contains("was not created by this execution").contains("e-41");
        assertThat(notice(run, "NotifyFailure").path("application").asText()).startsWith("unchanged");
        assertThat(run.path("calls").has("Repoint")).isFalse();
        assertThat(run.path("calls").has("RecordActiveEndpoint")).isFalse();
    }

    @Test
    void throttledPollsAreRetriedAndCountedAndTheWaitGoesOn() {
        JsonNode throttled = fail("Rds.ThrottlingException", "Rate exceeded (Service: Rds, Status Code: 400)");
        // Six answers in a row throttled: five retries, then one failed poll; the next poll succeeds.
        JsonNode run = scenario(input())
                .mock("DescribeTarget", (ObjectNode) throttled, (ObjectNode) throttled, (ObjectNode) throttled,
                        (ObjectNode) throttled, (ObjectNode) throttled, (ObjectNode) throttled, ok(target("available")))
                .run();
        assertThat(run.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(path(run)).containsSubsequence("RestoreInstance", "WaitForTarget", "DescribeTarget", "CountFailedPoll",
                "CheckFailedPolls", "WaitForTarget", "DescribeTarget", "CheckTargetStatus", "VerifyTarget");
        assertThat(run.path("calls").path("DescribeTarget")).hasSize(7);
    }

    @Test
    void tenFailedPollsInARowEndTheWaitWithoutRepointing() {
        JsonNode run = scenario(input())
                .mock("DescribeTarget", fail("Rds.RdsException", "Access denied"))
                .run();
        assertThat(path(run).stream().filter("CountFailedPoll"::equals)).hasSize(10);
        assertThat(path(run).subList(path(run).size() - 5, path(run).size())).containsExactly("CheckFailedPolls",
                "DescribeTargetFailed", "DescribeFailureAfterRestore", "NotifyFailure", "RestoreFailed");
        assertThat(run.path("cause").asText()).contains("Access denied").contains("10 failed polls in a row");
        assertThat(run.path("calls").has("Repoint")).isFalse();
    }

    @Test
    void onlyTheSourcesOwnActiveAutomatedBackupsDefineTheWindow() {
        // A deleted instance of the same name left a retained backup reaching further back.
        ObjectNode backups = resource("describe-backups.json");
        ((ArrayNode) backups.path("DbInstanceAutomatedBackups")).insertObject(0)
                .put("DbInstanceIdentifier", "auth-db-prod").put("DbiResourceId", "db-DELETEDNAMESAKE00")
                .put("Status", "retained").putObject("RestoreWindow")
                .put("EarliestTime", "2023-12-01T00:00:00Z").put("LatestTime", "2023-12-10T00:00:00Z");
        ObjectNode input = input();
        input.put("restoreTime", "2023-12-05T00:00:00Z");
        JsonNode run = scenario(input).mock("DescribeRestoreWindow", ok(backups)).run();
        assertThat(path(run)).containsSubsequence("PlanRestore", "CheckRestoreWindow", "RestoreTimeOutOfRange");
        assertThat(run.path("cause").asText()).contains("from 2023-12-25T02:14:00Z");

        ObjectNode onlyRetained = JSON.createObjectNode();
        onlyRetained.putArray("DbInstanceAutomatedBackups").add(backups.path("DbInstanceAutomatedBackups").get(0));
        JsonNode none = scenario(input()).mock("DescribeRestoreWindow", ok(onlyRetained)).run();
        assertThat(path(none)).containsSubsequence("PlanRestore", "CheckRestoreWindow", "PointInTimeRecoveryOff",
                "DescribeFailure");
        assertThat(none.path("cause").asText()).contains("retained backups of a deleted instance");
        assertThat(none.path("calls").has("RestoreInstance")).isFalse();
    }

    @Test
    void restoringTheInstanceTheApplicationWasRepointedAwayFromIsRefusedUnlessAskedFor() {
        String recorded = "{\"host\":\"auth-db-prod-pitr-2023-12-30-0900.c1x2y3z4.eu-west-1.rds.amazonaws.com\","
                + "\"port\":5432,\"database\":\"auth_db\",\"instance\":\"auth-db-prod-pitr-2023-12-30-0900\","
                + "\"recordedAt\":\"2023-12-30T09:41:00Z\"}";
        JsonNode run = scenario(input()).mock("ReadActiveEndpoint", ok(parameter(recorded))).run();

        assertThat(path(run)).containsSubsequence("ReadActiveEndpoint", "PlanRestore", "CheckSourceIsActive",
                "SourceNotActive", "DescribeFailure", "NotifyFailure", "RestoreFailed");
        assertThat(run.path("error").asText()).isEqualTo("pgvault.SourceNotActive");
        assertThat(run.path("cause").asText()).contains("auth-db-prod is not the database the application uses")
                .contains("since 2023-12-30T09:41:00Z").contains("Restore from auth-db-prod-pitr-2023-12-30-0900 instead")
                .contains("--allow-inactive-source");
        assertThat(run.path("calls").has("CheckApplication")).isFalse();
        assertThat(run.path("calls").has("RestoreInstance")).isFalse();

        ObjectNode onPurpose = input();
        onPurpose.put("allowInactiveSource", true);
        JsonNode allowed = scenario(onPurpose).mock("ReadActiveEndpoint", ok(parameter(recorded)))
                .mock("DescribeTarget", ok(target("available"))).run();
        assertThat(allowed.path("status").asText()).isEqualTo("SUCCEEDED");

        // The record naming the source itself (a restore after a restore-from-backup repoint, say) passes.
        String same = "{\"host\":\"AUTH-DB-PROD.c1x2y3z4.eu-west-1.rds.amazonaws.com\",\"port\":5432,\"database\":\"auth_db\"}";
        JsonNode sameSource = scenario(input()).mock("ReadActiveEndpoint", ok(parameter(same)))
                .mock("DescribeTarget", ok(target("available"))).run();
        assertThat(sameSource.path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void anUnreadableRecordDoesNotHoldUpTheRestore() {
        JsonNode run = scenario(input())
                .mock("ReadActiveEndpoint", fail("Ssm.SsmException", "AccessDenied"))
                .mock("DescribeTarget", ok(target("available")))
                .run();
        assertThat(path(run)).containsSubsequence("ReadActiveEndpoint", "ActiveEndpointUnread", "PlanRestore",
                "CheckSourceIsActive", "CheckRestoreWindow");
        assertThat(run.path("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aFailedReapplyIsReportedAndDoesNotStopTheRestore() {
        JsonNode run = scenario(input())
                .mock("DescribeTarget", ok(target("available")))
                .mock("ReapplySettings", fail("Rds.InvalidParameterCombinationException", "monitoring role cannot be assumed"))
                .run();
        assertThat(run.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(path(run)).containsSubsequence("ReapplySettings", "ReapplyFailed", "Repoint", "RecordActiveEndpoint");
        assertThat(notice(run, "NotifySuccess").path("settings").path("reapply").asText())
                .contains("not re-applied").contains("monitoring role cannot be assumed");
    }

    @Test
    void latestRestorableTimeNamesTheTargetAfterTheStartAndRecordsThePointReached() {
        ObjectNode input = input();
        input.remove("restoreTime");
        input.put("useLatestRestorableTime", true);
        JsonNode run = scenario(input).mock("DescribeTarget", ok(target("available"))).run();

        assertThat(path(run)).containsSubsequence("NameAfterStartTime", "SplitNamingTime", "NameTarget",
                "CheckRestoreWindow", "RestorePointLatest", "CheckApplication",
                "RestoreInstance", "WaitForTarget", "DescribeTarget", "CheckTargetStatus", "VerifyTarget",
                "Repoint", "NotifySuccess", "Restored");
        JsonNode restore = onlyCall(run, "RestoreInstance");
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
                "CheckSource", "DescribeRestoreWindow", "ReadActiveEndpoint", "PlanRestore", "CheckSourceIsActive",
                "CheckRestoreWindow", "RestoreTimeOutOfRange",
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
                .mock("RestoreInstance", fail("Rds.InsufficientDbInstanceCapacityException",
                        "Cannot create a DB instance of class db.r6g.large in this zone (Service: Rds, Status Code: 400)"))
                .run();

        List<String> expected = new ArrayList<>(UP_TO_RESTORE);
        expected.addAll(List.of("RestoreRefused", "DescribeFailure", "NotifyFailure", "RestoreFailed"));
        assertThat(path(run)).containsExactlyElementsOf(expected);
        assertThat(run.path("calls").path("RestoreInstance")).hasSize(1);
        assertThat(run.path("error").asText()).isEqualTo("Rds.InsufficientDbInstanceCapacityException");
        JsonNode notice = notice(run, "NotifyFailure");
        assertThat(notice.path("failedStep").asText()).isEqualTo("RestoreDBInstanceToPointInTime");
        assertThat(notice.path("cause").asText()).contains("Cannot create");
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
        assertThat(rollback.path("Payload").path("skipConnectionTest").asBoolean())
                .as("going back to the database the application used needs no connection test").isTrue();
        assertThat(run.path("calls").has("RecordActiveEndpoint")).as("not recorded after a failure").isFalse();
        assertThat(run.path("calls").has("TagSuperseded")).isFalse();
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
        assertThat(run.path("calls").has("RecordActiveEndpoint")).isFalse();
    }

    @Test
    void aRestoredDatabaseTheApplicationCannotUseIsReportedWithoutRollbackOrRecord() {
        JsonNode run = scenario(input())
                .mock("DescribeTarget", ok(target("available")))
                .mock("Repoint", fail("dev.pgvault.errors.RepointRefusedException",
                        "the application's URL with the new endpoint does not work (password authentication failed);"
                                + " nothing was written"))
                .run();
        assertThat(path(run)).containsSubsequence("ReapplySettings", "Repoint", "RepointFailed",
                "DescribeFailureAfterRestore", "NotifyFailure", "RestoreFailed");
        assertThat(path(run)).doesNotContain("RollbackApplication", "RecordActiveEndpoint", "TagSuperseded");
        assertThat(notice(run, "NotifyFailure").path("cause").asText()).contains("password authentication failed");
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
        assertThat(run.path("calls").has("RestoreInstance")).isFalse();
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
        assertThat(onlyCall(run, "RestoreInstance").path("TargetDBInstanceIdentifier").asText())
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

    /** The source as described at the start, restored under the target's name: every setting as on the source. */
    private static ObjectNode restoredInstance(String status) {
        ObjectNode instance = ((ObjectNode) resource("describe-source.json").path("DbInstances").get(0)).deepCopy();
        instance.put("DbInstanceIdentifier", TARGET);
        instance.put("DbInstanceArn", "arn:aws:rds:eu-west-1:123456789012:db:" + TARGET);
        instance.put("DbInstanceStatus", status);
        instance.putObject("Endpoint").put("Address", TARGET_HOST).put("Port", 5432);
        instance.remove("TagList");
        return instance;
    }

    private static ObjectNode describe(ObjectNode instance) {
        ObjectNode response = JSON.createObjectNode();
        response.putArray("DbInstances").add(instance);
        return response;
    }

    /** GetParameter's answer. */
    private static ObjectNode parameter(String value) {
        ObjectNode response = JSON.createObjectNode();
        response.putObject("Parameter").put("Name", SUBSTITUTIONS.get("ActiveEndpointParameterName"))
                .put("Type", "String").put("Value", value).put("Version", 3);
        return response;
    }

    private static ObjectNode describeModified() {
        ObjectNode response = JSON.createObjectNode();
        response.putObject("DbInstance").put("DbInstanceIdentifier", TARGET).put("DbInstanceStatus", "modifying");
        return response;
    }

    /** A Lambda invocation's result as the lambda:invoke integration returns it. */
    private static ObjectNode payload(JsonNode answer) {
        ObjectNode result = JSON.createObjectNode();
        result.set("Payload", answer);
        result.put("StatusCode", 200);
        return result;
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
                    .put("Id", EXECUTION)
                    .put("Name", "e-42")
                    .put("StartTime", START);
            // Real Step Functions sets it per state; the local executor takes it from here.
            ((ObjectNode) scenario.get("context")).putObject("State").put("EnteredTime", "2024-01-01T12:41:31Z");
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
            mock("ReadActiveEndpoint", ok(parameter(dev.pgvault.repoint.ActiveEndpoint.UNSET)));
            mock("RestoreInstance", ok(created));
            mock("ReapplySettings", ok(describeModified()));
            mock("ApplyErasureLedger", ok(payload(JSON.createObjectNode().put("entries", 2).put("rowsDeleted", 3)
                    .put("rowsUpdated", 0).put("summary", "erasure ledger: 2 entries applied by 1 statement: public.users 3 deleted"))));
            mock("RecordActiveEndpoint", ok(JSON.createObjectNode().put("Version", 2).put("Tier", "Standard")));
            mock("TagSuperseded", ok(JSON.createObjectNode()));
            mock("DescribeRestored", ok(describe(restoredInstance("available"))));
            ObjectNode repointed = JSON.createObjectNode();
            ObjectNode payload = repointed.putObject("Payload");
            payload.put("outcome", "REPOINTED").put("changed", true).put("completedAt", "2024-01-01T12:41:30Z")
                    .put("detail", "rolled out").put("rtoSeconds", 2490).put("rpoSeconds", 300);
            payload.putObject("endpoint").put("host", TARGET_HOST).put("port", 5432).put("database", "auth_db");
            payload.putObject("previousEndpoint").put("host", OLD_HOST).put("port", 5432).put("database", "auth_db");
            mock("Repoint", ok(repointed));
            ObjectNode back = JSON.createObjectNode();
            back.putObject("Payload").put("outcome", "REPOINTED").put("changed", true);
            mock("RollbackApplication", ok(back));
            mock("NotifySuccess", ok(JSON.createObjectNode().put("MessageId", "m-1")));
            mock("NotifyFailure", ok(JSON.createObjectNode().put("MessageId", "m-2")));
        }

        /** What PlanRestore answers for this input, as the state machine would ask it; empty when the input is malformed. */
        private java.util.Optional<ObjectNode> plan() {
            JsonNode input = scenario.path("input");
            String source = input.path("sourceInstance").asText(null);
            if (source == null) {
                return java.util.Optional.empty();
            }
            String target;
            try {
                target = input.path("targetInstance").isTextual() ? input.path("targetInstance").asText()
                        : dev.pgvault.pitr.RestoreTarget.defaultName(source, java.time.Instant.parse(
                        input.path("restoreTime").isTextual() ? input.path("restoreTime").asText() : START));
            } catch (RuntimeException e) {
                return java.util.Optional.empty();
            }
            ObjectNode state = input.deepCopy();
            state.putObject("target").put("instance", target);
            state.putObject("sourceState").set("instance", firstResult("DescribeSource").path("DbInstances").path(0));
            state.putObject("window").set("backups", firstResult("DescribeRestoreWindow").path("DbInstanceAutomatedBackups"));
            JsonNode recorded = firstResult("ReadActiveEndpoint").path("Parameter").path("Value");
            state.putObject("recorded").put("value", recorded.isTextual() ? recorded.asText() : "none");
            if (!state.path("sourceState").path("instance").isObject()) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(dev.pgvault.pitr.RestorePlanner.plan(state, EXECUTION));
        }

        /** The first successful answer mocked for a state. */
        private JsonNode firstResult(String state) {
            for (JsonNode step : mocks.path(state)) {
                if (step.has("result")) {
                    return step.path("result");
                }
            }
            return JSON.createObjectNode();
        }

        Scenario mock(String state, ObjectNode... steps) {
            ArrayNode list = mocks.putArray(state);
            for (ObjectNode step : steps) {
                list.add(step);
            }
            return this;
        }

        JsonNode run() {
            // The planning function's answers come from the real code, on the answers mocked for RDS.
            if (!mocks.has("PlanRestore")) {
                plan().ifPresent(plan -> mock("PlanRestore", ok(payload(plan))));
            }
            if (!mocks.has("CompareSettings")) {
                mock("CompareSettings", ok(payload(dev.pgvault.pitr.RestoredInstanceCheck.compare(
                        firstResult("DescribeSource").path("DbInstances").path(0),
                        firstResult("DescribeRestored").path("DbInstances").path(0)))));
            }
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
