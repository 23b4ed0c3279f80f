package dev.pgvault.handler;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.pitr.RestorePlanner;
import dev.pgvault.pitr.RestoredInstanceCheck;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The point-in-time state machine's logic that JSONPath cannot express, as one small function
 * without network access: it calls no AWS API (the state machine makes every RDS call itself).
 *
 * <pre>
 * {"action": "plan", "state": {...the execution's state...}, "execution": "arn:..."}
 *     -> {"window", "restorePoint", "restore": {RestoreDBInstanceToPointInTime request},
 *         "modify": {ModifyDBInstance request}, "carried", "reapplied", "notCarried"}   (RestorePlanner)
 * {"action": "owner", "instance": {...DescribeDBInstances...}, "execution": "arn:..."}
 *     -> {"ours", "status", "detail"}
 * {"action": "compare", "source": {...}, "restored": {...}}
 *     -> {"matches", "checked", "differences", "pending", "summary"}                   (RestoredInstanceCheck)
 * </pre>
 */
public final class PitrStepsHandler implements RequestStreamHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event;
        try {
            event = JSON.readTree(input);
        } catch (JacksonException e) {
            throw new InvalidRequestException("the event is not valid JSON");
        }
        if (event == null || !event.isObject()) {
            throw new InvalidRequestException("the event must be a JSON object with an action");
        }
        JsonNode reply = switch (event.path("action").asText("")) {
            case "plan" -> RestorePlanner.plan(event.path("state"), event.path("execution").asText(null));
            case "owner" -> RestoredInstanceCheck.owner(event.path("instance"), event.path("execution").asText(null));
            case "compare" -> RestoredInstanceCheck.compare(event.path("source"), event.path("restored"));
            default -> throw new InvalidRequestException("event field action must be plan, owner or compare");
        };
        JSON.writeValue(output, reply);
    }
}
