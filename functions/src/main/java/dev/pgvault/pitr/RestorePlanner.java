package dev.pgvault.pitr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.repoint.ActiveEndpoint;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a point-in-time restore sends to RDS so that the new instance is the source as it was,
 * worked out from the source's DescribeDBInstances and DescribeDBInstanceAutomatedBackups as
 * Step Functions' SDK integrations return them (Java SDK member names: {@code DbInstanceClass},
 * {@code CaCertificateIdentifier}, ...). The state machine passes {@link #plan}'s
 * {@code restore} object to {@code RestoreDBInstanceToPointInTime} and its {@code modify} object to
 * {@code ModifyDBInstance} as they are, so a setting the source lacks is simply absent (a JSONPath
 * to a missing field would stop the execution).
 *
 * <ul>
 *   <li>Carried by the restore call: class, subnet group, security groups, parameter and option
 *       groups, Multi-AZ, public access, minor-version upgrades, tags to snapshots, deletion
 *       protection, IAM authentication, port, network type, storage type, provisioned IOPS and
 *       throughput (io1/io2; gp3 at or above 400 GiB, below which PostgreSQL volumes run at the
 *       baseline and RDS refuses a value), storage autoscaling limit, CloudWatch log exports, CA
 *       certificate, dedicated log volume, the source's own tags. Encryption follows the source by
 *       itself.</li>
 *   <li>Re-applied by {@code ModifyDBInstance} once the instance is available (the restore call
 *       takes them not, or not everywhere): backup retention and window, maintenance window,
 *       Enhanced Monitoring (interval, role), Performance Insights (on, key, retention).</li>
 * </ul>
 *
 * <p>Only the source's own automated backups that are {@code active} define the restorable
 * window: a retained backup of a deleted instance of the same name has another DbiResourceId.
 * And the source must be the database the application uses, as the active endpoint records it
 * ({@link #sourceCheck}).
 */
public final class RestorePlanner {
    /** RDS for PostgreSQL gp3 volumes below this size have fixed baseline IOPS and throughput. */
    static final int GP3_PROVISIONING_THRESHOLD_GIB = 400;
    static final String EXECUTION_TAG = "pgvault:restore-execution";
    static final String SOURCE_TAG = "pgvault:source-instance";
    static final String POINT_TAG = "pgvault:restore-point";
    private static final int MAX_TAGS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private RestorePlanner() {
    }

    /**
     * @param state the state machine's state: {@code sourceInstance}, {@code restoreTime} or
     *              {@code useLatestRestorableTime}, {@code target.instance},
     *              {@code sourceState.instance}, {@code window.backups}
     * @param execution the execution's ARN, tagged onto the new instance
     */
    public static ObjectNode plan(JsonNode state, String execution) {
        JsonNode source = state.path("sourceState").path("instance");
        if (!source.isObject()) {
            throw new InvalidRequestException("plan: sourceState.instance (the source's description) is missing");
        }
        String sourceId = required(state, "sourceInstance");
        String target = required(state.path("target"), "instance");
        if (execution == null || execution.isBlank()) {
            throw new InvalidRequestException("plan: the execution is missing");
        }
        ObjectNode plan = JSON.createObjectNode();
        ObjectNode window = window(source, state.path("window").path("backups"));
        plan.set("window", window);
        plan.set("sourceCheck", sourceCheck(state, source, sourceId));

        boolean latest = state.path("useLatestRestorableTime").asBoolean(false);
        String point = latest ? source.path("LatestRestorableTime").asText(null) : state.path("restoreTime").asText(null);
        plan.put("restorePoint", point);

        List<String> carried = new ArrayList<>();
        List<String> notCarried = new ArrayList<>();
        ObjectNode restore = plan.putObject("restore");
        restore.put("SourceDBInstanceIdentifier", sourceId);
        restore.put("TargetDBInstanceIdentifier", target);
        if (latest) {
            restore.put("UseLatestRestorableTime", true);
        } else {
            restore.put("RestoreTime", point);
        }
        copy(source, "DbInstanceClass", restore, "DbInstanceClass", carried);
        copy(source.path("DbSubnetGroup"), "DbSubnetGroupName", restore, "DbSubnetGroupName", carried);
        ArrayNode groups = JSON.createArrayNode();
        source.path("VpcSecurityGroups").forEach(g -> {
            if (g.path("VpcSecurityGroupId").isTextual()) {
                groups.add(g.path("VpcSecurityGroupId").asText());
            }
        });
        if (!groups.isEmpty()) {
            restore.set("VpcSecurityGroupIds", groups);
            carried.add("VpcSecurityGroupIds");
        }
        copy(source.path("DbParameterGroups").path(0), "DbParameterGroupName", restore, "DbParameterGroupName", carried);
        copy(source.path("OptionGroupMemberships").path(0), "OptionGroupName", restore, "OptionGroupName", carried);
        copy(source, "MultiAZ", restore, "MultiAZ", carried);
        copy(source, "PubliclyAccessible", restore, "PubliclyAccessible", carried);
        copy(source, "AutoMinorVersionUpgrade", restore, "AutoMinorVersionUpgrade", carried);
        copy(source, "CopyTagsToSnapshot", restore, "CopyTagsToSnapshot", carried);
        copy(source, "DeletionProtection", restore, "DeletionProtection", carried);
        copy(source, "IamDatabaseAuthenticationEnabled", restore, "EnableIAMDatabaseAuthentication", carried);
        copy(source.path("Endpoint"), "Port", restore, "Port", carried);
        copy(source, "NetworkType", restore, "NetworkType", carried);
        copy(source, "CaCertificateIdentifier", restore, "CaCertificateIdentifier", carried);
        copy(source, "MaxAllocatedStorage", restore, "MaxAllocatedStorage", carried);
        if (source.path("DedicatedLogVolume").asBoolean(false)) {
            restore.put("DedicatedLogVolume", true);
            carried.add("DedicatedLogVolume");
        }
        storage(source, restore, carried, notCarried);
        ArrayNode logs = JSON.createArrayNode();
        source.path("EnabledCloudwatchLogsExports").forEach(l -> logs.add(l.asText()));
        if (!logs.isEmpty()) {
            restore.set("EnableCloudwatchLogsExports", logs);
            carried.add("EnableCloudwatchLogsExports");
        }
        restore.set("Tags", tags(source, execution, sourceId, point, notCarried));
        if (source.path("MasterUserSecret").isObject()) {
            notCarried.add("MasterUserSecret: the restored instance keeps the source's master password, not managed"
                    + " by RDS in Secrets Manager; turn that on again with modify-db-instance --manage-master-user-password");
        }

        List<String> reapplied = new ArrayList<>();
        ObjectNode modify = plan.putObject("modify");
        modify.put("DbInstanceIdentifier", target);
        modify.put("ApplyImmediately", true);
        copy(source, "BackupRetentionPeriod", modify, "BackupRetentionPeriod", reapplied);
        copy(source, "PreferredBackupWindow", modify, "PreferredBackupWindow", reapplied);
        copy(source, "PreferredMaintenanceWindow", modify, "PreferredMaintenanceWindow", reapplied);
        int monitoring = source.path("MonitoringInterval").asInt(0);
        if (monitoring > 0 && source.path("MonitoringRoleArn").isTextual()) {
            modify.put("MonitoringInterval", monitoring);
            modify.put("MonitoringRoleArn", source.path("MonitoringRoleArn").asText());
            reapplied.add("MonitoringInterval");
            reapplied.add("MonitoringRoleArn");
        } else {
            modify.put("MonitoringInterval", 0);
            reapplied.add("MonitoringInterval");
        }
        boolean insights = source.path("PerformanceInsightsEnabled").asBoolean(false);
        modify.put("EnablePerformanceInsights", insights);
        reapplied.add("EnablePerformanceInsights");
        if (insights) {
            copy(source, "PerformanceInsightsKMSKeyId", modify, "PerformanceInsightsKMSKeyId", reapplied);
            copy(source, "PerformanceInsightsRetentionPeriod", modify, "PerformanceInsightsRetentionPeriod", reapplied);
        }

        plan.set("carried", strings(carried));
        plan.set("reapplied", strings(reapplied));
        plan.set("notCarried", strings(notCarried));
        return plan;
    }

    /**
     * The restorable window from the source's own, active automated backups; {@code found} false
     * when there is none (automated backups off, or only retained backups of another instance).
     */
    static ObjectNode window(JsonNode source, JsonNode backups) {
        String resource = source.path("DbiResourceId").asText("");
        Optional<Instant> earliest = Optional.empty();
        int ignored = 0;
        for (JsonNode backup : backups) {
            boolean own = resource.equals(backup.path("DbiResourceId").asText());
            boolean active = "active".equalsIgnoreCase(backup.path("Status").asText("active"));
            String time = backup.path("RestoreWindow").path("EarliestTime").asText(null);
            if (!own || !active || time == null) {
                ignored++;
                continue;
            }
            try {
                Instant t = Instant.parse(time);
                earliest = earliest.isEmpty() || t.isBefore(earliest.get()) ? Optional.of(t) : earliest;
            } catch (DateTimeParseException e) {
                ignored++;
            }
        }
        ObjectNode window = JSON.createObjectNode();
        String latest = source.path("LatestRestorableTime").asText(null);
        window.put("found", earliest.isPresent() && latest != null);
        if (earliest.isPresent() && latest != null) {
            window.put("earliest", earliest.get().toString());
            window.put("latest", latest);
        }
        window.put("ignoredBackups", ignored);
        return window;
    }

    /**
     * Whether the source is the database the application uses, as the active endpoint records it
     * ({@code state.recorded.value}): by instance when the record names one, else by host. After a
     * point-in-time restore the superseded instance keeps its old name, which runbooks and habits
     * still use; restoring it would bring back the data of before the last restore.
     * {@code allowInactiveSource} overrides (restoring the old instance on purpose).
     */
    static ObjectNode sourceCheck(JsonNode state, JsonNode source, String sourceId) {
        ObjectNode check = JSON.createObjectNode();
        String value = state.path("recorded").path("value").asText(null);
        Optional<ActiveEndpoint> recorded;
        try {
            recorded = ActiveEndpoint.parse(value, "the active endpoint record");
        } catch (RuntimeException e) {
            check.put("active", true);
            check.put("detail", "the active endpoint record is unreadable (" + e.getMessage() + "); not checked");
            return check;
        }
        if (recorded.isEmpty()) {
            check.put("active", true);
            check.put("detail", state.path("recorded").has("unread")
                    ? "the active endpoint record could not be read (" + state.path("recorded").path("unread").asText()
                    + "); not checked" : "no active endpoint recorded yet");
            return check;
        }
        ActiveEndpoint active = recorded.get();
        String host = source.path("Endpoint").path("Address").asText("");
        boolean same = active.instance().isPresent() ? active.instance().get().equalsIgnoreCase(sourceId)
                : active.host().equalsIgnoreCase(host);
        if (same) {
            check.put("active", true);
            check.put("detail", sourceId + " is the database the application uses (" + active.describe() + ")");
        } else if (state.path("allowInactiveSource").asBoolean(false)) {
            check.put("active", true);
            check.put("detail", sourceId + " is not the database the application uses (" + active.describe()
                    + "); restored anyway, as allowInactiveSource asks");
        } else {
            check.put("active", false);
            check.put("detail", sourceId + " is not the database the application uses: since "
                    + active.recordedAt().map(Instant::toString).orElse("its last repoint") + " that is "
                    + active.describe() + ". Restore from " + active.instance().orElse("the instance at " + active.host())
                    + " instead, or pass allowInactiveSource (pgvault restore pitr --allow-inactive-source) to restore "
                    + sourceId + " on purpose. Nothing was created");
        }
        return check;
    }

    private static void storage(JsonNode source, ObjectNode restore, List<String> carried, List<String> notCarried) {
        String type = source.path("StorageType").asText("");
        if (type.isEmpty()) {
            return;
        }
        restore.put("StorageType", type);
        carried.add("StorageType");
        String lower = type.toLowerCase(Locale.ROOT);
        if (lower.equals("io1") || lower.equals("io2")) {
            copy(source, "Iops", restore, "Iops", carried);
        } else if (lower.equals("gp3")) {
            if (source.path("AllocatedStorage").asInt(0) >= GP3_PROVISIONING_THRESHOLD_GIB) {
                copy(source, "Iops", restore, "Iops", carried);
                copy(source, "StorageThroughput", restore, "StorageThroughput", carried);
            } else if (source.has("Iops") || source.has("StorageThroughput")) {
                notCarried.add("Iops, StorageThroughput: a gp3 volume below " + GP3_PROVISIONING_THRESHOLD_GIB
                        + " GiB runs at the baseline (RDS takes no value for it)");
            }
        }
    }

    private static ArrayNode tags(JsonNode source, String execution, String sourceId, String point,
                                  List<String> notCarried) {
        ArrayNode tags = JSON.createArrayNode();
        tags.addObject().put("Key", EXECUTION_TAG).put("Value", execution);
        tags.addObject().put("Key", SOURCE_TAG).put("Value", sourceId);
        if (point != null) {
            tags.addObject().put("Key", POINT_TAG).put("Value", point);
        }
        int skipped = 0;
        for (JsonNode tag : source.path("TagList")) {
            String key = tag.path("Key").asText("");
            if (key.isEmpty() || key.startsWith("aws:") || key.startsWith("pgvault:")) {
                continue;
            }
            if (tags.size() >= MAX_TAGS) {
                skipped++;
                continue;
            }
            tags.addObject().put("Key", key).put("Value", tag.path("Value").asText(""));
        }
        if (skipped > 0) {
            notCarried.add(skipped + " of the source's tags (RDS allows " + MAX_TAGS + " per instance)");
        }
        return tags;
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as, List<String> names) {
        JsonNode value = from.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return;
        }
        to.set(as, value.deepCopy());
        names.add(as);
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private static String required(JsonNode node, String field) {
        String value = node.path(field).asText("");
        if (value.isBlank()) {
            throw new InvalidRequestException("plan: " + field + " is missing");
        }
        return value;
    }
}
