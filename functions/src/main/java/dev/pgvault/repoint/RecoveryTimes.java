package dev.pgvault.repoint;

import java.time.Duration;
import java.time.Instant;

/**
 * The two numbers a restore is judged by, measured rather than estimated.
 *
 * @param rto from the start of the restore to the application healthy on the restored database
 * @param rpo from the restore point to the start of the restore: writes in that span are not
 *            in the restored database
 */
public record RecoveryTimes(Duration rto, Duration rpo) {
    public static RecoveryTimes measure(Instant startedAt, Instant restorePoint, Instant healthyAt) {
        Duration rto = Duration.between(startedAt, healthyAt);
        Duration rpo = restorePoint == null ? null : Duration.between(restorePoint, startedAt);
        return new RecoveryTimes(rto.isNegative() ? Duration.ZERO : rto,
                rpo == null || !rpo.isNegative() ? rpo : Duration.ZERO);
    }
}
