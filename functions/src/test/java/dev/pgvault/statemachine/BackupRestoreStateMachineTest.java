package dev.pgvault.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.testing.LocalStepFunctions;
import dev.pgvault.testing.ProjectFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * statemachines/backup-restore.asl.json executed by aws-local-stepfunctions with every Task mocked,
 * along every path the issue names; each test asserts the states taken, not only the end.
 */
class BackupRestoreStateMachineTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, String> SUBSTITUTIONS = Map.of(
            "RepointFunctionArn", "arn:aws:lambda:eu-west-1:123456789012:function:pgvault-repoint",
            "RestoreFunctionArn", "arn:aws:lambda:eu-west-1:123456789012:function:pgvault-restore",
            "NoticeTopicArn", "arn:aws:sns:eu-west-1:123456789012:pgvault-notices",
            "ActiveEndpointParameterName", "/pgvault/prod/active-endpoint");
    private static final String EXECUTION = "arn:aws:states:eu-west-1:123456789012:execution:pgvault-backup-restore:e-7";
    private static final String KEY = "daily/auth-db-backup-2026-11-24.sql.gz";
    private static final String HOST = "auth-db-prod.c1x2y3z4.eu-west-1.rds.amazonaws.com";
    private static final String NEW_DB = "auth_db_restore_20261125_090000";

    private static final List<String> TO_RESTORE = List.of("ValidateInput", "ApplyDefaults", "ChooseBackup",
            "CheckApplication", "IsCold", "RestoreIntoNewDatabase");
    private static final List<String> TO_SUCCESS = List.of("ApplyLedger", "HasMigration", "Repoint",
            "DescribeActiveEndpoint", "RecordActiveEndpoint", "DescribeSuccess", "NotifySuccess", "Restored");

    @Test
    void theDefinitionPassesAslValidatorAndEveryTaskHasRetryCatchAndTimeout() {
        JsonNode verdict = LocalStepFunctions.validate(ProjectFiles.path("statemachines/backup-restore.asl.json"));
        assertThat(verdict.path("errors")).isEmpty();
        assertThat(verdict.path("isValid").asBoolean()).isTrue();
        ObjectNode definition = definition();
        assertThat(definition.has("QueryLanguage")).as("JSONPath, the default").isFalse();
        assertThat(definition.path("TimeoutSeconds").asInt()).isPositive();
        List<String> tasks = new ArrayList<>();
        definition.path("States").properties().forEach(state -> {
            if (state.getValue().path("Type").asText().equals("Task")) {
                tasks.add(state.getKey());
                assertThat(state.getValue().path("Retry")).as(state.getKey() + " Retry").isNotEmpty();
                assertThat(state.getValue().path("Catch")).as(state.getKey() + " Catch").isNotEmpty();
                assertThat(state.getValue().path("TimeoutSeconds").asInt()).as(state.getKey() + " TimeoutSeconds")
                        .isPositive();
            }
        });
        assertThat(tasks).contains("ChooseBackup", "RequestRetrieval", "CheckRetrieval", "RestoreIntoNewDatabase",
                "ApplyLedger", "StartMigration", "CheckMigration", "Repoint", "RollbackApplication", "DropNewDatabase",
                "RecordActiveEndpoint", "NotifySuccess", "NotifyFailure");
        assertThat(definition.path("States").path("RequestRetrieval").path("Resource").asText())
                .isEqualTo("arn:aws:states:::aws-sdk:s3:restoreObject");
        assertThat(definition.path("States").path("CheckRetrieval").path("Resource").asText())
                .isEqualTo("arn:aws:states:::aws-sdk:s3:headObject");
    }

    @Test
    void happyPathRestoresErasesRepointsRecordsAndNotifiesWithRtoAndRpo() {
        JsonNode run = scenario(input()).run();

        assertThat(path(run)).containsExactlyElementsOf(concat(TO_RESTORE, TO_SUCCESS));
        assertThat(run.path("status").asText()).isEqualTo("SUCCEEDED");
        JsonNode choose = onlyCall(run, "ChooseBackup").path("Payload");
        assertThat(choose.path("action").asText()).isEqualTo("choose");
        assertThat(choose.path("backup").asText()).isEqualTo("latest-verified");
        assertThat(choose.path("allowUnverified").asBoolean()).as("a default").isFalse();
        assertThat(onlyCall(run, "RestoreIntoNewDatabase").path("Payload").path("key").asText()).isEqualTo(KEY);
        assertThat(onlyCall(run, "ApplyLedger").path("Payload").path("database").asText()).isEqualTo(NEW_DB);
        JsonNode repoint = onlyCall(run, "Repoint").path("Payload");
        assertThat(repoint.path("endpoint").path("database").asText()).isEqualTo(NEW_DB);
        assertThat(repoint.path("endpoint").path("host").asText()).isEqualTo(HOST);
        assertThat(repoint.path("restorePoint").asText()).isEqualTo("2026-11-24T02:00:03Z");
        assertThat(path(run).indexOf("CheckApplication")).isLessThan(path(run).indexOf("RestoreIntoNewDatabase"));
        JsonNode record = onlyCall(run, "RecordActiveEndpoint");
        assertThat(record.path("Value").asText()).contains(NEW_DB).contains(KEY).contains(EXECUTION);
        JsonNode notice = notice(run, "NotifySuccess");
        assertThat(notice.path("outcome").asText()).isEqualTo("RESTORED");
        assertThat(notice.path("rtoSeconds").asInt()).isEqualTo(1500);
        assertThat(notice.path("rpoSeconds").asInt()).isEqualTo(111_600);
        assertThat(notice.path("snapshotTime").asText()).isEqualTo("2026-11-24T02:00:03Z");
        assertThat(notice.path("erasure").asText()).contains("1 entry");
    }

    @Test
    void aBackupWhoseVerificationFailedStopsBeforeAnythingIsCreated() {
        JsonNode run = scenario(input())
                .mock("ChooseBackup", fail("dev.pgvault.errors.BackupNotVerifiedException",
                        "backup " + KEY + " failed its last verification (CHECKSUM_MISMATCH)"))
                .run();

        assertThat(path(run)).containsExactly("ValidateInput", "ApplyDefaults", "ChooseBackup", "BackupNotVerified",
                "DescribeFailure", "NotifyFailure", "RestoreFailed");
        assertThat(run.path("status").asText()).isEqualTo("FAILED");
        JsonNode notice = notice(run, "NotifyFailure");
        assertThat(notice.path("failedStep").asText()).isEqualTo("ChooseBackup");
        assertThat(notice.path("cause").asText()).contains("CHECKSUM_MISMATCH");
        assertThat(notice.path("application").asText()).startsWith("unchanged");
    }

    @Test
    void aBackupInDeepArchiveIsRetrievedAndWaitedForBeforeTheRestore() {
        ObjectNode cold = choice().put("cold", true).put("storageClass", "DEEP_ARCHIVE");
        JsonNode run = scenario(input())
                .mock("ChooseBackup", ok(payload(cold)))
                .mock("RequestRetrieval", ok(JSON.createObjectNode()))
                .mock("CheckRetrieval", ok(head("ongoing-request=\"true\"")), ok(head("ongoing-request=\"true\"")),
                        ok(head("ongoing-request=\"false\", expiry-date=\"Fri, 04 Dec 2026 00:00:00 GMT\"")))
                .run();

        List<String> expected = new ArrayList<>(List.of("ValidateInput", "ApplyDefaults", "ChooseBackup",
                "CheckApplication", "IsCold", "StartRetrievalCount", "DoubleRetrievalLimit", "RequestRetrieval"));
        for (int i = 0; i < 2; i++) {
            expected.addAll(List.of("WaitForRetrieval", "CheckRetrieval", "IsRetrieved", "CountRetrievalPoll"));
        }
        expected.addAll(List.of("WaitForRetrieval", "CheckRetrieval", "IsRetrieved", "RestoreIntoNewDatabase"));
        expected.addAll(TO_SUCCESS);
        assertThat(path(run)).containsExactlyElementsOf(expected);
        JsonNode request = onlyCall(run, "RequestRetrieval");
        assertThat(request.path("Bucket").asText()).isEqualTo("pgvault-backups");
        assertThat(request.path("Key").asText()).isEqualTo("prod/" + KEY);
        assertThat(request.path("RestoreRequest").path("GlacierJobParameters").path("Tier").asText()).isEqualTo("Standard");
    }

    @Test
    void aRetrievalThatNeverStartedFailsWithoutARestore() {
        JsonNode run = scenario(input())
                .mock("ChooseBackup", ok(payload(choice().put("cold", true).put("storageClass", "GLACIER"))))
                .mock("RequestRetrieval", fail("S3.S3Exception", "Access Denied"))
                .mock("CheckRetrieval", ok(JSON.createObjectNode().put("ContentLength", 1234)))
                .run();

        assertThat(path(run)).contains("RetrievalNotStarted").doesNotContain("RestoreIntoNewDatabase");
        assertThat(notice(run, "NotifyFailure").path("error").asText()).isEqualTo("pgvault.RetrievalNotStarted");
    }

    @Test
    void aFailedRestoreReportsTheStepAndLeavesTheApplicationAsItWas() {
        JsonNode run = scenario(input())
                .mock("RestoreIntoNewDatabase", fail("dev.pgvault.errors.RestoreFailedException",
                        "restoring into the new database failed: out of disk; the new database was dropped"))
                .run();

        assertThat(path(run)).containsExactlyElementsOf(concat(TO_RESTORE, List.of("RestoreFailedStep",
                "DescribeFailure", "NotifyFailure", "RestoreFailed")));
        assertThat(run.path("calls").has("Repoint")).isFalse();
        assertThat(notice(run, "NotifyFailure").path("cause").asText()).contains("out of disk");
    }

    @Test
    void aManifestMismatchIsNamedAsSuch() {
        JsonNode run = scenario(input())
                .mock("RestoreIntoNewDatabase", fail("dev.pgvault.errors.ManifestMismatchException",
                        "the restored database does not match backup " + KEY + "'s manifest: table public.users has 9"
                                + " rows, the backup 10; the new database was dropped"))
                .run();

        assertThat(path(run)).containsExactlyElementsOf(concat(TO_RESTORE, List.of("ManifestMismatch",
                "DescribeFailure", "NotifyFailure", "RestoreFailed")));
        assertThat(notice(run, "NotifyFailure").path("error").asText())
                .isEqualTo("dev.pgvault.errors.ManifestMismatchException");
    }

    @Test
    void aFailedMigrationJobStopsBeforeTheRepointAndDropsTheNewDatabaseAsAsked() {
        JsonNode run = scenario(input("backup-restore-with-migration.json"))
                .mock("CheckMigration", ok(payload(JSON.createObjectNode().put("status", "RUNNING").put("detail", "1 active"))),
                        ok(payload(JSON.createObjectNode().put("status", "FAILED")
                                .put("detail", "BackoffLimitExceeded: migration 20261124_add_index failed"))))
                .run();

        assertThat(path(run)).containsExactlyElementsOf(concat(TO_RESTORE, List.of("ApplyLedger", "HasMigration",
                "StartMigration", "WaitForMigration", "CheckMigration", "IsMigrationDone", "CountMigrationPoll",
                "WaitForMigration", "CheckMigration", "IsMigrationDone", "MigrationJobFailed", "AfterRestoreFailure",
                "DropNewDatabase", "DescribeFailureAfterRestore", "NotifyFailure", "RestoreFailed")));
        JsonNode start = onlyCall(run, "StartMigration").path("Payload");
        assertThat(start.path("action").asText()).isEqualTo("migrate");
        assertThat(start.path("job").path("spec").path("template").path("spec").path("containers").get(0)
                .path("command").get(1).asText()).isEqualTo("prisma");
        assertThat(start.path("endpoint").path("database").asText()).isEqualTo(NEW_DB);
        assertThat(onlyCall(run, "DropNewDatabase").path("Payload").path("database").asText()).isEqualTo(NEW_DB);
        JsonNode notice = notice(run, "NotifyFailure");
        assertThat(notice.path("cause").asText()).contains("BackoffLimitExceeded");
        assertThat(notice.path("cleanup").asText()).isEqualTo("the new database " + NEW_DB + " was dropped");
        assertThat(run.path("calls").has("Repoint")).isFalse();
    }

    @Test
    void aSuccessfulMigrationJobIsWaitedForThenTheApplicationIsRepointed() {
        JsonNode run = scenario(input("backup-restore-with-migration.json"))
                .mock("CheckMigration", ok(payload(JSON.createObjectNode().put("status", "SUCCEEDED").put("detail", "1 succeeded"))))
                .run();

        assertThat(path(run)).containsSubsequence("StartMigration", "WaitForMigration", "CheckMigration",
                "IsMigrationDone", "Repoint", "RecordActiveEndpoint", "NotifySuccess", "Restored");
        assertThat(onlyCall(run, "ChooseBackup").path("Payload").path("backup").asText()).isEqualTo("2026-11-24");
    }

    @Test
    void aRepointThatFailsMidwayIsRolledBackAndTheNewDatabaseKept() {
        JsonNode run = scenario(input())
                .mock("Repoint", fail("Sandbox.Timedout", "Task timed out after 900.00 seconds"))
                .run();

        assertThat(path(run)).containsExactlyElementsOf(concat(TO_RESTORE, List.of("ApplyLedger", "HasMigration",
                "Repoint", "RepointInterrupted", "RollbackApplication", "AfterRestoreFailure", "KeepNewDatabase",
                "DescribeFailureAfterRestore", "NotifyFailure", "RestoreFailed")));
        JsonNode rollback = onlyCall(run, "RollbackApplication").path("Payload");
        assertThat(rollback.path("endpoint").path("host").asText()).isEqualTo(HOST);
        assertThat(rollback.path("endpoint").path("database").asText()).isEqualTo("auth_db");
        assertThat(rollback.path("skipConnectionTest").asBoolean()).isTrue();
        assertThat(run.path("calls").has("RecordActiveEndpoint")).as("the record stays on the old database").isFalse();
        JsonNode notice = notice(run, "NotifyFailure");
        assertThat(notice.path("application").asText()).startsWith("unchanged");
        assertThat(notice.path("cleanup").asText()).contains(NEW_DB + " was kept");
    }

    @Test
    void aRepointTheFunctionUndidItselfIsNotUndoneTwice() {
        JsonNode run = scenario(input())
                .mock("Repoint", fail("dev.pgvault.errors.RepointRolledBackException", "health check failed; undone"))
                .run();

        assertThat(path(run)).contains("RepointFailed", "KeepNewDatabase").doesNotContain("RollbackApplication");
    }

    @Test
    void malformedInputIsRefusedBeforeAnyCall() {
        ObjectNode input = input();
        input.remove("backup");
        JsonNode run = scenario(input).run();

        assertThat(path(run)).containsExactly("ValidateInput", "InvalidInput", "DescribeFailure", "NotifyFailure",
                "RestoreFailed");
        assertThat(run.path("error").asText()).isEqualTo("pgvault.InvalidInput");
        assertThat(run.path("cause").asText()).contains("events/backup-restore-input.json");
        assertThat(run.path("calls").size()).as("only the notice").isEqualTo(1);
    }

    // ------------------------------------------------------------------ helpers

    private static ObjectNode definition() {
        return LocalStepFunctions.definition("backup-restore.asl.json", SUBSTITUTIONS);
    }

    private static ObjectNode input() {
        return input("backup-restore-input.json");
    }

    private static ObjectNode input(String event) {
        try {
            return (ObjectNode) JSON.readTree(ProjectFiles.read("events/" + event));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The restore function's answer to choose, as BackupRestoreHandler writes it. */
    private static ObjectNode choice() {
        return JSON.createObjectNode().put("key", KEY).put("backupName", "auth-db").put("bucket", "pgvault-backups")
                .put("objectKey", "prod/" + KEY).put("storageClass", "STANDARD").put("cold", false)
                .put("snapshotTime", "2026-11-24T02:00:03Z").put("verification", "OK").put("storedBytes", 1234)
                .put("rawBytes", 5678).put("estimateSeconds", 3).put("budgetSeconds", 780);
    }

    private static ObjectNode head(String restore) {
        return JSON.createObjectNode().put("ContentLength", 1234).put("StorageClass", "DEEP_ARCHIVE")
                .put("Restore", restore);
    }

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

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static Scenario scenario(ObjectNode input) {
        return new Scenario(input);
    }

    /** A run with every Task answered as a healthy account and cluster would, unless told otherwise. */
    private static final class Scenario {
        private final ObjectNode scenario = JSON.createObjectNode();
        private final ObjectNode mocks;

        Scenario(ObjectNode input) {
            scenario.set("definition", definition());
            scenario.set("input", input);
            scenario.putObject("context").putObject("Execution").put("Id", EXECUTION).put("Name", "e-7")
                    .put("StartTime", "2026-11-25T09:00:00Z");
            ((ObjectNode) scenario.get("context")).putObject("State").put("EnteredTime", "2026-11-25T09:25:01Z");
            mocks = scenario.putObject("mocks");
            mock("ChooseBackup", ok(payload(choice())));
            ObjectNode check = JSON.createObjectNode();
            check.putObject("Payload").put("replicas", 3).putObject("endpoint").put("host", HOST).put("port", 5432)
                    .put("database", "auth_db");
            mock("CheckApplication", ok(check));
            ObjectNode restored = JSON.createObjectNode().put("key", KEY).put("database", NEW_DB).put("host", HOST)
                    .put("port", 5432).put("tables", 12).put("rows", 34567).put("seconds", 95);
            restored.putObject("erasure").put("entries", 1).put("rowsDeleted", 3).put("rowsUpdated", 0)
                    .put("summary", "erasure ledger: 1 entry applied by 1 statement: public.users 1 deleted");
            mock("RestoreIntoNewDatabase", ok(payload(restored)));
            mock("ApplyLedger", ok(payload(JSON.createObjectNode().put("entries", 1).put("rowsDeleted", 0)
                    .put("rowsUpdated", 0).put("summary", "erasure ledger: 1 entry applied by 1 statement; no rows"
                            + " held an erased subject"))));
            mock("StartMigration", ok(payload(JSON.createObjectNode().put("namespace", "shopping-app")
                    .put("job", "auth-service-migrate-e-7"))));
            ObjectNode repointed = JSON.createObjectNode();
            ObjectNode answer = repointed.putObject("Payload");
            answer.put("outcome", "REPOINTED").put("changed", true).put("completedAt", "2026-11-25T09:25:00Z")
                    .put("rtoSeconds", 1500).put("rpoSeconds", 111_600);
            answer.putObject("endpoint").put("host", HOST).put("port", 5432).put("database", NEW_DB);
            answer.putObject("previousEndpoint").put("host", HOST).put("port", 5432).put("database", "auth_db");
            mock("Repoint", ok(repointed));
            ObjectNode back = JSON.createObjectNode();
            back.putObject("Payload").put("outcome", "REPOINTED").put("changed", true);
            mock("RollbackApplication", ok(back));
            mock("DropNewDatabase", ok(payload(JSON.createObjectNode().put("dropped", NEW_DB))));
            mock("RecordActiveEndpoint", ok(JSON.createObjectNode().put("Version", 2)));
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
            for (String notify : List.of("NotifySuccess", "NotifyFailure")) {
                for (JsonNode call : report.path("calls").path(notify)) {
                    assertThat(call.path("Subject").asText()).hasSizeLessThanOrEqualTo(100);
                }
            }
            return report;
        }
    }

    private static List<String> path(JsonNode run) {
        List<String> values = new ArrayList<>();
        run.path("path").forEach(v -> values.add(v.asText()));
        return values;
    }

    private static JsonNode onlyCall(JsonNode run, String state) {
        JsonNode calls = run.path("calls").path(state);
        assertThat(calls).as(state + " calls").hasSize(1);
        return calls.get(0);
    }

    private static JsonNode notice(JsonNode run, String state) {
        JsonNode calls = run.path("calls").path(state);
        assertThat(calls).as(state + " calls in " + run).isNotEmpty();
        try {
            return JSON.readTree(calls.get(0).path("Message").asText());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
