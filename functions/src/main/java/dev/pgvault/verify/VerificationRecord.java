package dev.pgvault.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.pgvault.archive.ManifestCodec;
import dev.pgvault.repository.BackupArtifacts;
import dev.pgvault.repository.BackupStore;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The last verification of a backup, kept beside it as {@code <key>.verification.json} so
 * listings can say which backups are known to restore. Holds no secrets: the target is shown
 * without credentials.
 */
public record VerificationRecord(String key, String status, Instant checkedAt, long durationMillis, String target,
                                 List<String> details) {

    public static VerificationRecord of(VerificationResult result, String target) {
        return new VerificationRecord(result.key(), result.status().name(), result.checkedAt(),
                result.duration().toMillis(), target, result.details());
    }

    public void save(BackupStore store) {
        try {
            store.put(BackupArtifacts.Sidecar.VERIFICATION.keyFor(key), ManifestCodec.mapper().writeValueAsBytes(this));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Optional<VerificationRecord> load(BackupStore store, String key) {
        String recordKey = BackupArtifacts.Sidecar.VERIFICATION.keyFor(key);
        if (store.stat(recordKey).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ManifestCodec.mapper().readValue(store.read(recordKey), VerificationRecord.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
