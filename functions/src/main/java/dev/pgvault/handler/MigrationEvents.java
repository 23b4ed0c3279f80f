package dev.pgvault.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.kube.MigrationJobs;
import dev.pgvault.repoint.ApplicationRef;
import dev.pgvault.repoint.DatabaseEndpoint;

/**
 * The repoint function's two migration actions, for the backup-restore state machine:
 * <pre>
 * {"action": "migrate", "application": {...}, "job": {a batch/v1 Job}, "run": "execution name",
 *  "endpoint": {"host", "port", "database"}}                      -> {"namespace", "job"}
 * {"action": "migrationStatus", "namespace": NS, "job": NAME}      -> {"status": RUNNING|SUCCEEDED|FAILED, "detail"}
 * </pre>
 */
final class MigrationEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MigrationEvents() {}

    static boolean handles(String action) {
        return "migrate".equals(action) || "migrationStatus".equals(action);
    }

    static JsonNode handle(MigrationJobs jobs, JsonNode event) {
        ObjectNode reply = JSON.createObjectNode();
        if ("migrationStatus".equals(event.path("action").asText())) {
            MigrationJobs.Status status = jobs.status(text(event, "namespace"), text(event, "job"));
            return reply.put("status", status.state().name()).put("detail", status.detail());
        }
        JsonNode app = event.path("application");
        ApplicationRef ref;
        try {
            ref = new ApplicationRef(app.path("namespace").asText(null), app.path("secretName").asText(null),
                    app.path("secretKey").asText(null), app.path("deployment").asText(null));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("event field application: " + e.getMessage());
        }
        JsonNode endpoint = event.path("endpoint");
        if (!endpoint.path("host").isTextual() || !endpoint.path("port").canConvertToInt()) {
            throw new InvalidRequestException("event field endpoint needs host, port and database");
        }
        MigrationJobs.Started started = jobs.start(ref, event.get("job"),
                DatabaseEndpoint.of(endpoint.path("host").asText(), endpoint.path("port").asInt()),
                text(endpoint, "database"), text(event, "run"));
        return reply.put("namespace", started.namespace()).put("job", started.job());
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw new InvalidRequestException("event field " + field + " is required");
        }
        return value.asText();
    }
}
