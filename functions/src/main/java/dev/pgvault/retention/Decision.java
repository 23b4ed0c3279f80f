package dev.pgvault.retention;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the plan does with one backup, and why.
 *
 * @param roles       the periods it keeps the backup for, by role (e.g. WEEKLY -> 2026-W48); empty when deleted
 * @param tier        the storage tier it belongs in; null when deleted or left as it is (manual backups)
 * @param retainUntil the Object Lock retain-until date it should have at least; null: no change
 * @param floor       whether it is one of the newest verified backups, which are never deleted
 */
public record Decision(BackupFacts backup, Action action, Map<Role, String> roles, StorageTier tier,
                       Instant retainUntil, boolean floor, String reason) {

    public enum Action { KEEP, DELETE }

    public Decision {
        Objects.requireNonNull(backup, "backup");
        Objects.requireNonNull(action, "action");
        roles = roles.isEmpty() ? Map.of() : Collections.unmodifiableMap(new EnumMap<>(roles)); // in role order
        Objects.requireNonNull(reason, "reason");
    }

    public String key() {
        return backup.key().key();
    }

    public boolean deletes() {
        return action == Action.DELETE;
    }
}
