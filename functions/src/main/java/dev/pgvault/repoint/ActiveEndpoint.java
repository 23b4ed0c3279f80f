package dev.pgvault.repoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.errors.PgvaultException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The one record of "the production database": the endpoint the application was last
 * successfully repointed to, kept as JSON in an SSM parameter the template creates
 * ({@value #PARAMETER_VARIABLE} names it to the functions that read it):
 *
 * <pre>
 * {"host": "auth-db-prod-pitr-2024-01-01-1155.c1x2y3z4.eu-west-1.rds.amazonaws.com", "port": 5432,
 *  "database": "auth_db", "instance": "auth-db-prod-pitr-2024-01-01-1155",
 *  "recordedAt": "2024-01-01T12:41:31Z", "recordedBy": "arn:aws:states:...:execution:..."}
 * </pre>
 *
 * The point-in-time state machine writes it after a successful repoint, never after a failed
 * one; the backup function reads it and refuses to back up any other database. Until the first
 * repoint the parameter holds {@value #UNSET}: nothing recorded, nothing checked.
 *
 * <p>No credentials: host, port, database and names only.
 */
public record ActiveEndpoint(String host, int port, String database, Optional<String> instance,
                             Optional<Instant> recordedAt, Optional<String> recordedBy) {
    /** The environment variable naming the parameter, for every function that reads it. */
    public static final String PARAMETER_VARIABLE = "PGVAULT_ACTIVE_ENDPOINT_PARAMETER";
    /** The parameter's value before any repoint (SSM parameters cannot be empty). */
    public static final String UNSET = "none";

    private static final ObjectMapper JSON = new ObjectMapper();

    public ActiveEndpoint {
        if (host == null || host.isBlank()) {
            throw new ConfigurationException("an active endpoint needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new ConfigurationException("active endpoint port " + port + " is outside 1-65535");
        }
        if (database != null && database.isBlank()) {
            database = null; // the URL names none: any database on host:port matches
        }
        instance = instance == null ? Optional.empty() : instance;
        recordedAt = recordedAt == null ? Optional.empty() : recordedAt;
        recordedBy = recordedBy == null ? Optional.empty() : recordedBy;
    }

    public static ActiveEndpoint of(String host, int port, String database) {
        return new ActiveEndpoint(host, port, database, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * The recorded endpoint; empty when the parameter holds {@value #UNSET} (nothing recorded
     * yet) or does not exist. A value that is not an endpoint is a configuration error: a check
     * that silently passes would defeat its purpose.
     */
    public static Optional<ActiveEndpoint> read(SsmClient ssm, String parameterName) {
        String value;
        try {
            value = ssm.getParameter(r -> r.name(parameterName)).parameter().value();
        } catch (ParameterNotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new PgvaultException("could not read the active endpoint from SSM parameter " + parameterName
                    + ": " + e.getMessage(), e);
        }
        return parse(value, "SSM parameter " + parameterName);
    }

    /** Overwrites the parameter with this endpoint. */
    public void write(SsmClient ssm, String parameterName) {
        try {
            ssm.putParameter(r -> r.name(parameterName).value(toJson()).type(ParameterType.STRING).overwrite(true));
        } catch (SdkException e) {
            throw new PgvaultException("could not record the active endpoint in SSM parameter " + parameterName
                    + ": " + e.getMessage(), e);
        }
    }

    public static Optional<ActiveEndpoint> parse(String value, String where) {
        String text = value == null ? "" : value.strip();
        if (text.isEmpty() || text.equalsIgnoreCase(UNSET)) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (IOException e) {
            throw new ConfigurationException(where + " does not hold an active endpoint (JSON with host, port and"
                    + " database, or '" + UNSET + "')");
        }
        if (node == null || !node.isObject()) {
            throw new ConfigurationException(where + " does not hold an active endpoint (JSON with host, port and"
                    + " database, or '" + UNSET + "')");
        }
        JsonNode port = node.path("port");
        int portNumber;
        if (port.isIntegralNumber()) {
            portNumber = port.intValue();
        } else if (port.isTextual() && port.asText().matches("\\d{1,5}")) {
            portNumber = Integer.parseInt(port.asText());
        } else {
            throw new ConfigurationException(where + " has no numeric \"port\"");
        }
        Optional<Instant> recordedAt = text(node, "recordedAt").map(t -> {
            try {
                return Instant.parse(t);
            } catch (DateTimeParseException e) {
                throw new ConfigurationException(where + " has a \"recordedAt\" that is not an ISO-8601 time");
            }
        });
        try {
            return Optional.of(new ActiveEndpoint(text(node, "host").orElse(null), portNumber,
                    text(node, "database").orElse(null), text(node, "instance"), recordedAt, text(node, "recordedBy")));
        } catch (ConfigurationException e) {
            throw new ConfigurationException(where + ": " + e.getMessage());
        }
    }

    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("host", host);
        node.put("port", port);
        if (database != null) {
            node.put("database", database);
        } else {
            node.putNull("database");
        }
        instance.ifPresent(i -> node.put("instance", i));
        recordedAt.ifPresent(t -> node.put("recordedAt", t.toString()));
        recordedBy.ifPresent(b -> node.put("recordedBy", b));
        return node.toString();
    }

    /**
     * Whether a connection to host:port/database reaches this endpoint's database (host names
     * compare case-blind; a recorded endpoint without a database matches any on host:port).
     */
    public boolean matches(String otherHost, int otherPort, String otherDatabase) {
        return normalise(host).equals(normalise(otherHost)) && port == otherPort
                && (database == null || database.equals(otherDatabase));
    }

    /** host:port/database, for messages. */
    public String describe() {
        return host + ":" + port + "/" + (database == null ? "" : database) + instance.map(i -> " (instance " + i + ")").orElse("");
    }

    private static String normalise(String host) {
        String h = host == null ? "" : host.strip().toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
    }
}
