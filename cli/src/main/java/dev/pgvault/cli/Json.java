package dev.pgvault.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.errors.FailureClass;
import java.time.Instant;

/** The {@code --json} documents: one object, one line, field names documented in the README. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {}

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static String time(Instant instant) {
        return instant == null ? null : instant.toString();
    }

    /** {@code {"class": "Connection", "message": "..."}}: the failure class is the metrics' ErrorClass. */
    static ObjectNode error(FailureClass kind, String message) {
        ObjectNode error = object();
        error.put("class", kind.metricValue());
        error.put("message", message);
        return error;
    }

    static String write(ObjectNode document) {
        try {
            return MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A command that can print its outcome as one JSON document ({@code --json}). */
    interface Reporting {
        /** Whether --json was given. */
        boolean json();

        /** The command's document for a run that failed: its usual fields, null where unknown, and "error". */
        ObjectNode failure(ObjectNode error);
    }
}
