package dev.pgvault.repoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgvault.errors.InvalidRequestException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The repoint function's event, as the point-in-time state machine sends it (see
 * {@code events/repoint.json}):
 *
 * <pre>
 * {"action": "repoint",                       // or "check": read-only, returns the current endpoint
 *  "application": {"namespace": "shopping-app", "secretName": "auth-service-secrets",
 *                  "secretKey": "database-url", "deployment": "auth-service",
 *                  "healthUrl": "http://auth-service.shopping-app.svc/health"},   // secretKey, healthUrl optional
 *  "endpoint": {"host": "auth-db-restored.abc.eu-west-1.rds.amazonaws.com", "port": 5432,
 *               "database": "auth_db"},                   // database optional: keeps the URL's
 *  "startedAt": "2024-01-01T12:00:00Z", "restorePoint": "2024-01-01T11:55:00Z"}       // optional, for RTO/RPO
 * </pre>
 *
 * Also optional: {@code application.allowManagedSecret: true} writes into a secret a controller
 * manages (refused otherwise), {@code skipConnectionTest: true} skips the session opened on the new
 * database before writing (the state machine's rollback to the previous endpoint uses it).
 *
 * Every error names the field.
 */
public record RepointEvent(Action action, ApplicationRef application, Optional<DatabaseEndpoint> endpoint,
                           Optional<String> database, Optional<URI> healthUrl, Optional<Instant> startedAt,
                           Optional<Instant> restorePoint, boolean allowManagedSecret, boolean skipConnectionTest) {
    public enum Action { CHECK, REPOINT }

    public static RepointEvent parse(JsonNode event) {
        if (event == null || !event.isObject()) {
            throw new InvalidRequestException("the repoint event must be a JSON object");
        }
        Action action = switch (text(event, "action").orElse("repoint")) {
            case "repoint" -> Action.REPOINT;
            case "check" -> Action.CHECK;
            default -> throw new InvalidRequestException("event field action must be \"repoint\" or \"check\"");
        };
        JsonNode app = event.path("application");
        if (!app.isObject()) {
            throw new InvalidRequestException("event field application is required (namespace, secretName, deployment)");
        }
        ApplicationRef ref;
        try {
            ref = new ApplicationRef(text(app, "namespace").orElse(null), text(app, "secretName").orElse(null),
                    text(app, "secretKey").orElse(null), text(app, "deployment").orElse(null));
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException("event field application: " + e.getMessage());
        }
        Optional<URI> health = text(app, "healthUrl").map(RepointEvent::uri);
        Optional<DatabaseEndpoint> endpoint = endpoint(event.path("endpoint"));
        if (action == Action.REPOINT && endpoint.isEmpty()) {
            throw new InvalidRequestException("event field endpoint is required for action repoint ({\"host\": ..., \"port\": ...})");
        }
        Optional<String> database = event.path("endpoint").isObject()
                ? text(event.path("endpoint"), "database") : Optional.empty();
        return new RepointEvent(action, ref, endpoint, database, health, time(event, "startedAt"),
                time(event, "restorePoint"), flag(app, "allowManagedSecret"), flag(event, "skipConnectionTest"));
    }

    public RepointRequest toRequest(Duration rolloutTimeout, Duration healthTimeout) {
        return new RepointRequest(application, endpoint.orElseThrow(), database, healthUrl, rolloutTimeout,
                healthTimeout, allowManagedSecret, !skipConnectionTest);
    }

    private static boolean flag(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new InvalidRequestException("event field " + field + " must be true or false");
        }
        return value.booleanValue();
    }

    private static Optional<DatabaseEndpoint> endpoint(JsonNode node) {
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw new InvalidRequestException("event field endpoint must be an object with host and port");
        }
        String host = text(node, "host").orElseThrow(
                () -> new InvalidRequestException("event field endpoint.host is required"));
        JsonNode port = node.path("port");
        OptionalInt portNumber;
        if (port.isMissingNode() || port.isNull()) {
            portNumber = OptionalInt.empty();
        } else if (port.canConvertToInt() && port.isIntegralNumber()) {
            portNumber = OptionalInt.of(port.intValue());
        } else if (port.isTextual() && port.asText().matches("\\d{1,5}")) {
            portNumber = OptionalInt.of(Integer.parseInt(port.asText()));
        } else {
            throw new InvalidRequestException("event field endpoint.port must be a number");
        }
        try {
            return Optional.of(new DatabaseEndpoint(host, portNumber));
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException("event field endpoint: " + e.getMessage());
        }
    }

    private static URI uri(String text) {
        try {
            URI uri = new URI(text);
            RepointRequest.checkHealthUrl(uri);
            return uri;
        } catch (URISyntaxException e) {
            throw new InvalidRequestException("event field application.healthUrl is not a URL");
        } catch (InvalidRequestException e) {
            throw new InvalidRequestException("event field application.healthUrl: " + e.getMessage());
        }
    }

    private static Optional<Instant> time(JsonNode node, String field) {
        return text(node, field).map(value -> {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (DateTimeParseException e) {
                throw new InvalidRequestException("event field " + field + " must be an ISO-8601 time such as "
                        + "2024-01-01T12:00:00Z, got '" + value + "'");
            }
        });
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new InvalidRequestException("event field " + field + " must be a string");
        }
        return value.asText().isBlank() ? Optional.empty() : Optional.of(value.asText().trim());
    }
}
