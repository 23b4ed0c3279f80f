package dev.pgvault.pitr;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Point-in-time recovery as it stands for one instance.
 *
 * @param retentionDays automated backups kept, 0 when point-in-time recovery is off
 * @param backupWindow  the daily backup window, UTC ({@code hh24:mi-hh24:mi})
 * @param window        the restorable span, empty when there is none (yet)
 */
public record PitrStatus(String instanceId, String instanceStatus, int retentionDays, String backupWindow,
                         Optional<RestoreWindow> window) {
    public boolean enabled() {
        return retentionDays > 0;
    }

    /** How far the latest restorable time trails now: the data a restore right now would lose (RPO). */
    public Optional<Duration> lag(Instant now) {
        return window.map(w -> {
            Duration lag = Duration.between(w.latest(), now);
            return lag.isNegative() ? Duration.ZERO : lag;
        });
    }
}
