package dev.pgvault.pitr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Questions about a restored instance, asked on DescribeDBInstances as Step Functions returns it:
 * is it this execution's own (a retried restore call that met DBInstanceAlreadyExists), and does
 * it have the source's settings (reported in the success notice).
 */
public final class RestoredInstanceCheck {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RestoredInstanceCheck() {
    }

    /**
     * Whether {@code instance} was created by {@code execution}: it carries the tag
     * {@value RestorePlanner#EXECUTION_TAG} with the execution's ARN. Anything else (another
     * execution's restore, an instance someone made by hand) is not to be waited for, nor repointed to.
     */
    public static ObjectNode owner(JsonNode instance, String execution) {
        ObjectNode answer = JSON.createObjectNode();
        String id = instance.path("DbInstanceIdentifier").asText("?");
        String tagged = null;
        for (JsonNode tag : instance.path("TagList")) {
            if (RestorePlanner.EXECUTION_TAG.equals(tag.path("Key").asText())) {
                tagged = tag.path("Value").asText();
            }
        }
        boolean ours = execution != null && execution.equals(tagged);
        answer.put("ours", ours);
        answer.put("status", instance.path("DbInstanceStatus").asText(null));
        answer.put("detail", ours
                ? "instance " + id + " already exists and is this execution's own (an earlier try of the restore call"
                        + " created it): waiting for it"
                : "instance " + id + " already exists and was not created by this execution ("
                        + (tagged == null ? "it has no " + RestorePlanner.EXECUTION_TAG + " tag"
                        : "it was created by " + tagged) + "); it was left alone: choose another target name,"
                        + " or delete it if it is a leftover");
        return answer;
    }

    /**
     * Compares the restored instance's settings with the source's. A setting whose change is still
     * pending (in PendingModifiedValues) with the source's value counts as pending, not different.
     */
    public static ObjectNode compare(JsonNode source, JsonNode restored) {
        List<Setting> settings = List.of(
                text("DbInstanceClass"), text("EngineVersion"), text("StorageType"),
                number("Iops").onlyIf(s -> s.has("Iops") && provisioned(s)),
                number("StorageThroughput").onlyIf(s -> s.has("StorageThroughput") && provisioned(s)),
                new Setting("AllocatedStorage", s -> s.path("AllocatedStorage").asInt(0), x -> true) {
                    @Override
                    boolean same(JsonNode src, JsonNode dst) {
                        return dst.path("AllocatedStorage").asInt(0) >= src.path("AllocatedStorage").asInt(0);
                    }
                },
                number("MaxAllocatedStorage"), flag("MultiAZ"), flag("PubliclyAccessible"),
                flag("AutoMinorVersionUpgrade"), flag("CopyTagsToSnapshot"), flag("DeletionProtection"),
                flag("IamDatabaseAuthenticationEnabled"), flag("StorageEncrypted"), text("KmsKeyId"),
                new Setting("EnabledCloudwatchLogsExports", s -> set(s.path("EnabledCloudwatchLogsExports"), n -> n), x -> true),
                text("CaCertificateIdentifier"), text("NetworkType"),
                new Setting("Port", s -> s.path("Endpoint").path("Port").isMissingNode() ? null
                        : s.path("Endpoint").path("Port").asInt(), x -> true),
                new Setting("DbSubnetGroupName", s -> s.path("DbSubnetGroup").path("DbSubnetGroupName").asText(null), x -> true),
                new Setting("VpcSecurityGroupIds", s -> set(s.path("VpcSecurityGroups"), n -> n.path("VpcSecurityGroupId")), x -> true),
                new Setting("DbParameterGroupName", s -> s.path("DbParameterGroups").path(0).path("DbParameterGroupName").asText(null), x -> true),
                new Setting("OptionGroupName", s -> s.path("OptionGroupMemberships").path(0).path("OptionGroupName").asText(null), x -> true),
                number("BackupRetentionPeriod"), text("PreferredBackupWindow"), text("PreferredMaintenanceWindow"),
                number("MonitoringInterval"), text("MonitoringRoleArn"),
                flag("PerformanceInsightsEnabled"),
                number("PerformanceInsightsRetentionPeriod").onlyIf(s -> s.path("PerformanceInsightsEnabled").asBoolean(false)),
                text("PerformanceInsightsKMSKeyId").onlyIf(s -> s.path("PerformanceInsightsEnabled").asBoolean(false)));

        ArrayNode differences = JSON.createArrayNode();
        ArrayNode pending = JSON.createArrayNode();
        int checked = 0;
        JsonNode waiting = restored.path("PendingModifiedValues");
        for (Setting setting : settings) {
            if (!setting.applies.apply(source)) {
                continue;
            }
            checked++;
            if (setting.same(source, restored)) {
                continue;
            }
            Object wanted = setting.value.apply(source);
            Object pendingValue = waiting.isObject() && waiting.has(setting.name) ? setting.value.apply(waiting) : null;
            String line = setting.name + ": source " + show(wanted) + ", restored " + show(setting.value.apply(restored));
            if (pendingValue != null && Objects.equals(String.valueOf(pendingValue), String.valueOf(wanted))) {
                pending.add(line + " (changing to " + show(pendingValue) + ")");
            } else {
                differences.add(line);
            }
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("matches", differences.isEmpty());
        answer.put("checked", checked);
        answer.set("differences", differences);
        answer.set("pending", pending);
        String summary = differences.isEmpty()
                ? checked + " settings compared: all as on the source"
                + (pending.isEmpty() ? "" : " (" + pending.size() + " still being applied)")
                : differences.size() + " of " + checked + " settings differ from the source: "
                + String.join("; ", texts(differences));
        answer.put("summary", summary);
        return answer;
    }

    private static boolean provisioned(JsonNode source) {
        String type = source.path("StorageType").asText("");
        return type.equals("io1") || type.equals("io2")
                || (type.equals("gp3") && source.path("AllocatedStorage").asInt(0) >= RestorePlanner.GP3_PROVISIONING_THRESHOLD_GIB);
    }

    private static String show(Object value) {
        return value == null ? "(none)" : String.valueOf(value);
    }

    private static List<String> texts(ArrayNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static TreeSet<String> set(JsonNode array, Function<JsonNode, JsonNode> item) {
        TreeSet<String> values = new TreeSet<>();
        array.forEach(n -> {
            JsonNode v = item.apply(n);
            if (v != null && v.isValueNode()) {
                values.add(v.asText());
            }
        });
        return values;
    }

    private static Setting text(String field) {
        return new Setting(field, s -> s.path(field).isValueNode() && !s.path(field).isNull() ? s.path(field).asText() : null,
                x -> true);
    }

    private static Setting number(String field) {
        return new Setting(field, s -> s.path(field).isNumber() ? s.path(field).asLong() : null, x -> true);
    }

    private static Setting flag(String field) {
        // RDS reports absent booleans as false.
        return new Setting(field, s -> s.path(field).asBoolean(false), x -> true);
    }

    private static class Setting {
        final String name;
        final Function<JsonNode, Object> value;
        final Function<JsonNode, Boolean> applies;

        Setting(String name, Function<JsonNode, Object> value, Function<JsonNode, Boolean> applies) {
            this.name = name;
            this.value = value;
            this.applies = applies;
        }

        Setting onlyIf(Function<JsonNode, Boolean> condition) {
            return new Setting(name, value, condition);
        }

        boolean same(JsonNode source, JsonNode restored) {
            return Objects.equals(value.apply(source), value.apply(restored));
        }
    }
}
