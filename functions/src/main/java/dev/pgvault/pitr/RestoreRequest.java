package dev.pgvault.pitr;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.repoint.ApplicationRef;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * One point-in-time restore, as the state machine takes it (events/pitr-restore-input.json):
 * either a restore time or the latest restorable time, the instance to create, and the
 * application to repoint.
 */
public record RestoreRequest(String sourceInstance, Optional<Instant> restoreTime, String targetInstance,
                             ApplicationRef application, Optional<URI> healthUrl, Optional<Integer> maxWaitMinutes,
                             boolean allowManagedSecret, boolean allowInactiveSource) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A secret a controller manages is refused (see the repoint function). */
    public RestoreRequest(String sourceInstance, Optional<Instant> restoreTime, String targetInstance,
                          ApplicationRef application, Optional<URI> healthUrl, Optional<Integer> maxWaitMinutes) {
        this(sourceInstance, restoreTime, targetInstance, application, healthUrl, maxWaitMinutes, false, false);
    }

    public RestoreRequest {
        RestoreTarget.checkIdentifier("source instance", sourceInstance);
        RestoreTarget.checkIdentifier("target instance", targetInstance);
        if (targetInstance.equalsIgnoreCase(sourceInstance)) {
            throw new InvalidRequestException("the target instance must differ from the source " + sourceInstance);
        }
        maxWaitMinutes.ifPresent(minutes -> {
            if (minutes < 1 || minutes > 1440) {
                throw new InvalidRequestException("the wait limit must be 1 to 1440 minutes, got " + minutes);
            }
        });
    }

    public boolean latest() {
        return restoreTime.isEmpty();
    }

    public ObjectNode toJson() {
        ObjectNode input = JSON.createObjectNode();
        input.put("sourceInstance", sourceInstance);
        restoreTime.ifPresentOrElse(t -> input.put("restoreTime", t.toString()),
                () -> input.put("useLatestRestorableTime", true));
        input.put("targetInstance", targetInstance);
        ObjectNode app = input.putObject("application");
        app.put("namespace", application.namespace());
        app.put("secretName", application.secretName());
        app.put("secretKey", application.secretKey());
        app.put("deployment", application.deployment());
        healthUrl.ifPresent(url -> app.put("healthUrl", url.toString()));
        if (allowManagedSecret) {
            app.put("allowManagedSecret", true);
        }
        maxWaitMinutes.ifPresent(minutes -> input.put("maxWaitMinutes", minutes));
        if (allowInactiveSource) {
            input.put("allowInactiveSource", true);
        }
        return input;
    }
}
