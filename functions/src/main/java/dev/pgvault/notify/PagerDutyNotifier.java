package dev.pgvault.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;

/**
 * Opens and resolves PagerDuty incidents through the Events API v2: a failed verification
 * triggers one alert per failed check with the dedup key {@code pgvault/<backup name>/<check>}
 * (so a failure that repeats every week stays one incident), and the next successful verification
 * resolves the same keys. The routing key (integration key) comes from a secret and is never logged.
 */
public final class PagerDutyNotifier implements Subscriber {
    public static final URI EVENTS_API = URI.create("https://events.pagerduty.com/v2/enqueue");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String routingKey;
    private final URI endpoint;
    private final String source;
    private final HttpDelivery http;

    /**
     * @param source what PagerDuty shows as the alert's source: the deployment (stack or function name)
     */
    public PagerDutyNotifier(String routingKey, URI endpoint, String source, HttpDelivery http) {
        this.routingKey = routingKey;
        this.endpoint = endpoint;
        this.source = source;
        this.http = http;
    }

    @Override
    public String channel() {
        return "pagerduty";
    }

    public static String dedupKey(String backupName, Notice.Check check) {
        return "pgvault/" + backupName + "/" + check.id();
    }

    /** Sends every event (one per check) even when one fails; then throws the first failure. */
    @Override
    public void deliver(Notice notice) throws DeliveryException {
        java.util.List<ObjectNode> events = new java.util.ArrayList<>();
        switch (notice) {
            case Notice.VerificationFailed failed -> {
                for (Notice.Check check : Notice.Check.values()) {
                    if (failed.failed().contains(check)) {
                        events.add(trigger(failed, check));
                    }
                }
            }
            case Notice.VerificationSucceeded ok -> {
                // A resolve for a key with no open incident is ignored by PagerDuty: every check passed.
                if (ok.status() == dev.pgvault.verify.VerificationStatus.OK) {
                    for (Notice.Check check : Notice.Check.values()) {
                        events.add(resolve(ok.backupName(), check));
                    }
                }
            }
            case Notice.VerificationRecovered recovered -> {
                // resolved with the success itself
            }
        }
        DeliveryException first = null;
        for (ObjectNode event : events) {
            try {
                http.post(channel(), endpoint, event.toString());
            } catch (DeliveryException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }

    ObjectNode trigger(Notice.VerificationFailed failed, Notice.Check check) {
        ObjectNode event = JSON.createObjectNode();
        event.put("routing_key", routingKey);
        event.put("event_action", "trigger");
        event.put("dedup_key", dedupKey(failed.backupName(), check));
        ObjectNode payload = event.putObject("payload");
        payload.put("summary", truncate(failed.summary() + (check == Notice.Check.VERIFICATION ? ""
                : " [" + check.id() + "]"), 1024));
        payload.put("severity", failed.newestGood() == null ? "critical" : "error");
        payload.put("source", source);
        payload.put("component", failed.backupName());
        payload.put("group", "pgvault");
        payload.put("class", failed.status().name());
        payload.put("timestamp", failed.at().toString());
        ObjectNode details = payload.putObject("custom_details");
        details.put("backup", failed.key());
        details.put("status", failed.status().name());
        details.put("check", check.id());
        details.putPOJO("details", failed.details());
        details.put("newest_good_backup", failed.newestGood());
        details.put("rpo_hours", failed.rpo() == null ? null : failed.rpo().toMinutes() / 60.0);
        return event;
    }

    ObjectNode resolve(String backupName, Notice.Check check) {
        ObjectNode event = JSON.createObjectNode();
        event.put("routing_key", routingKey);
        event.put("event_action", "resolve");
        event.put("dedup_key", dedupKey(backupName, check));
        return event;
    }

    private static String truncate(String text, int max) {
        return text.length() > max ? text.substring(0, max - 3) + "..." : text;
    }
}
