package dev.pgvault.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgvault.archive.ManifestCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The document stored under a backup key's {@code .lock}: which run holds the key, who that is
 * (host and process, or Lambda request), and until when. {@code renewals} counts heartbeats so
 * that every renewal is a new version even when the clock stands still.
 */
record LockLease(String runId, String owner, Instant takenAt, Instant renewedAt, Instant expiresAt, long renewals) {

    byte[] toBytes() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("runId", runId);
        fields.put("owner", owner);
        fields.put("takenAt", takenAt.toString());
        fields.put("renewedAt", renewedAt.toString());
        fields.put("expiresAt", expiresAt.toString());
        fields.put("renewals", renewals);
        try {
            return ManifestCodec.mapper().writeValueAsString(fields).getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    LockLease renewed(Instant now, java.time.Duration lease) {
        return new LockLease(runId, owner, takenAt, now, now.plus(lease), renewals + 1);
    }

    BackupOutcome.LockHolder holder() {
        return new BackupOutcome.LockHolder(runId, owner, takenAt, expiresAt);
    }

    /** Parses a stored lease; null when it is not one (written by hand, or damaged). */
    static LockLease parse(byte[] content) {
        try {
            JsonNode json = ManifestCodec.mapper().readTree(content);
            Instant takenAt = Instant.parse(json.get("takenAt").asText());
            return new LockLease(json.path("runId").asText("unknown"), json.path("owner").asText("unknown"), takenAt,
                    json.hasNonNull("renewedAt") ? Instant.parse(json.get("renewedAt").asText()) : takenAt,
                    Instant.parse(json.get("expiresAt").asText()), json.path("renewals").asLong(0));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
