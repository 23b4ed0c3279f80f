package dev.pgvault.repoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;

/**
 * The repoint function's answers as JSON, in the shape the state machine reads
 * ({@code $.Payload.endpoint}, {@code $.Payload.rtoSeconds}, ...). Every field is always
 * present (null when unknown): a JSONPath to a missing field stops a Step Functions execution
 * with an error no Catch can handle.
 */
public final class RepointReplies {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RepointReplies() {
    }

    public static ObjectNode check(ApplicationCheck check) {
        ObjectNode reply = JSON.createObjectNode();
        reply.set("endpoint", endpoint(check.currentEndpoint(), check.currentDatabase()));
        reply.put("replicas", check.desiredReplicas());
        reply.put("rollout", check.rollout());
        reply.put("runningEndpoint", check.runningEndpoint());
        return reply;
    }

    public static ObjectNode repointed(RepointOutcome.Repointed outcome, Optional<Instant> startedAt,
                                       Optional<Instant> restorePoint) {
        ObjectNode reply = JSON.createObjectNode();
        reply.put("outcome", "REPOINTED");
        reply.put("changed", outcome.changed());
        reply.set("endpoint", endpoint(outcome.requested(), outcome.database()));
        reply.set("previousEndpoint", endpoint(outcome.previous(), outcome.previousDatabase()));
        reply.put("completedAt", outcome.completedAt().toString());
        reply.put("detail", outcome.detail());
        RecoveryTimes times = startedAt.map(start ->
                RecoveryTimes.measure(start, restorePoint.orElse(null), outcome.completedAt())).orElse(null);
        if (times != null) {
            reply.put("rtoSeconds", times.rto().toSeconds());
        } else {
            reply.putNull("rtoSeconds");
        }
        if (times != null && times.rpo() != null) {
            reply.put("rpoSeconds", times.rpo().toSeconds());
        } else {
            reply.putNull("rpoSeconds");
        }
        return reply;
    }

    /**
     * {host, port, database}: no port when the URL names none (so that repointing back to it
     * reproduces the URL exactly), database null when the URL names none.
     */
    static ObjectNode endpoint(DatabaseEndpoint endpoint, String database) {
        ObjectNode node = JSON.createObjectNode();
        node.put("host", endpoint.host());
        if (endpoint.port().isPresent()) {
            node.put("port", endpoint.port().getAsInt());
        }
        if (database != null) {
            node.put("database", database);
        } else {
            node.putNull("database");
        }
        return node;
    }
}
