package dev.pgvault.pitr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.handler.PitrStepsHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RestorePlanner and RestoredInstanceCheck: what goes into the RDS requests, by kind of source. */
class PitrPlanTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EXECUTION = "arn:aws:states:eu-west-1:123456789012:execution:pgvault-pitr-restore:e-42";

    @Test
    void aGp2InstanceWithoutExtrasSendsOnlyWhatItHas() {
        ObjectNode source = source();
        source.put("StorageType", "gp2").put("AllocatedStorage", 100).put("MonitoringInterval", 0)
                .put("PerformanceInsightsEnabled", false);
        for (String field : List.of("Iops", "StorageThroughput", "MaxAllocatedStorage", "EnabledCloudwatchLogsExports",
                "MonitoringRoleArn", "PerformanceInsightsKMSKeyId", "PerformanceInsightsRetentionPeriod")) {
            source.remove(field);
        }
        JsonNode plan = plan(source, false);
        JsonNode restore = plan.path("restore");
        assertThat(restore.path("StorageType").asText()).isEqualTo("gp2");
        assertThat(restore.has("Iops")).isFalse();
        assertThat(restore.has("StorageThroughput")).isFalse();
        assertThat(restore.has("MaxAllocatedStorage")).isFalse();
        assertThat(restore.has("EnableCloudwatchLogsExports")).isFalse();
        assertThat(restore.path("RestoreTime").asText()).isEqualTo("2024-01-01T11:55:00Z");
        JsonNode modify = plan.path("modify");
        assertThat(modify.path("MonitoringInterval").asInt()).isZero();
        assertThat(modify.has("MonitoringRoleArn")).isFalse();
        assertThat(modify.path("EnablePerformanceInsights").asBoolean()).isFalse();
        assertThat(modify.has("PerformanceInsightsKMSKeyId")).isFalse();
    }

    @Test
    void aSmallGp3VolumeKeepsItsBaselineAndSaysSo() {
        ObjectNode source = source();
        source.put("AllocatedStorage", 100).put("Iops", 3000).put("StorageThroughput", 125);
        JsonNode plan = plan(source, true);
        assertThat(plan.path("restore").path("StorageType").asText()).isEqualTo("gp3");
        assertThat(plan.path("restore").has("Iops")).isFalse();
        assertThat(plan.path("restore").path("UseLatestRestorableTime").asBoolean()).isTrue();
        assertThat(plan.path("restore").has("RestoreTime")).isFalse();
        assertThat(plan.path("restorePoint").asText()).isEqualTo("2024-01-01T12:10:00Z");
        assertThat(texts(plan.path("notCarried"))).anySatisfy(n -> assertThat(n).contains("baseline"));
    }

    @Test
    void provisionedIopsVolumesKeepTheirIops() {
        ObjectNode source = source();
        source.put("StorageType", "io2").put("Iops", 20000).remove("StorageThroughput");
        JsonNode restore = plan(source, false).path("restore");
        assertThat(restore.path("Iops").asInt()).isEqualTo(20000);
        assertThat(restore.has("StorageThroughput")).isFalse();
    }

    @Test
    void theWindowIgnoresRetainedAndForeignBackups() {
        ObjectNode source = source();
        String backups = "[{\"DbiResourceId\":\"db-OTHER\",\"Status\":\"active\",\"RestoreWindow\":{\"EarliestTime\":\"2023-01-01T00:00:00Z\"}},"
                + "{\"DbiResourceId\":\"db-ABCDEFGHIJKLMNOP\",\"Status\":\"retained\",\"RestoreWindow\":{\"EarliestTime\":\"2023-06-01T00:00:00Z\"}},"
                + "{\"DbiResourceId\":\"db-ABCDEFGHIJKLMNOP\",\"Status\":\"active\",\"RestoreWindow\":{\"EarliestTime\":\"2023-12-25T02:14:00Z\"}}]";
        JsonNode window = RestorePlanner.window(source, read(backups));
        assertThat(window.path("found").asBoolean()).isTrue();
        assertThat(window.path("earliest").asText()).isEqualTo("2023-12-25T02:14:00Z");
        assertThat(window.path("ignoredBackups").asInt()).isEqualTo(2);
        assertThat(RestorePlanner.window(source, read("[]")).path("found").asBoolean()).isFalse();
    }

    @Test
    void comparisonNamesEachDifferenceAndCountsPendingChangesApart() {
        ObjectNode source = source();
        ObjectNode restored = source.deepCopy();
        restored.put("StorageType", "gp2").put("BackupRetentionPeriod", 1).put("MonitoringInterval", 0);
        restored.putObject("PendingModifiedValues").put("BackupRetentionPeriod", 7);
        JsonNode result = RestoredInstanceCheck.compare(source, restored);
        assertThat(result.path("matches").asBoolean()).isFalse();
        assertThat(texts(result.path("differences"))).containsExactly("StorageType: source gp3, restored gp2",
                "MonitoringInterval: source 60, restored 0");
        assertThat(texts(result.path("pending"))).singleElement().asString().startsWith("BackupRetentionPeriod");
        assertThat(result.path("summary").asText()).startsWith("2 of ").contains("StorageType: source gp3, restored gp2");
        assertThat(RestoredInstanceCheck.compare(source, source).path("summary").asText()).contains("all as on the source");
    }

    @Test
    void theHandlerAnswersEachActionAndNamesABadOne() throws IOException {
        ObjectNode event = JSON.createObjectNode().put("action", "owner").put("execution", EXECUTION);
        event.putObject("instance").put("DbInstanceIdentifier", "x").putArray("TagList").addObject()
                .put("Key", "pgvault:restore-execution").put("Value", EXECUTION);
        assertThat(invoke(event.toString()).path("ours").asBoolean()).isTrue();
        event.withObject("instance").remove("TagList");
        JsonNode notOurs = invoke(event.toString());
        assertThat(notOurs.path("ours").asBoolean()).isFalse();
        assertThat(notOurs.path("detail").asText()).contains("has no pgvault:restore-execution tag");
        assertThatThrownBy(() -> invoke("{\"action\": \"delete\"}")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("plan, owner or compare");
        assertThatThrownBy(() -> invoke("{\"action\": \"plan\", \"state\": {}}")).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("sourceState.instance");
    }

    // ------------------------------------------------------------------ helpers

    private static JsonNode invoke(String event) throws IOException {
        var out = new ByteArrayOutputStream();
        new PitrStepsHandler().handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return JSON.readTree(out.toByteArray());
    }

    private static JsonNode plan(ObjectNode source, boolean latest) {
        ObjectNode state = JSON.createObjectNode().put("sourceInstance", "auth-db-prod");
        if (latest) {
            state.put("useLatestRestorableTime", true);
        } else {
            state.put("restoreTime", "2024-01-01T11:55:00Z");
        }
        state.putObject("target").put("instance", "auth-db-prod-restored");
        state.putObject("sourceState").set("instance", source);
        state.putObject("window").set("backups", read("[]"));
        return RestorePlanner.plan(state, EXECUTION);
    }

    private static ObjectNode source() {
        try (InputStream in = PitrPlanTest.class.getResourceAsStream("/pitr/describe-source.json")) {
            return (ObjectNode) JSON.readTree(in).path("DbInstances").get(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
