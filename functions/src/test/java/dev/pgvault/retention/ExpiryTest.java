package dev.pgvault.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.repository.BackupKey;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The erasure report's "expires": the latest end of the windows of the periods a kept backup represents. */
class ExpiryTest {
    private static Decision decision(String key, Decision.Action action, Map<Role, String> roles, Instant retainUntil) {
        BackupFacts facts = new BackupFacts(BackupKey.parse(key).orElseThrow(), 100, Checked.VERIFIED, null, null);
        return new Decision(facts, action, roles, null, retainUntil, false, "test");
    }

    @Test
    void aDailyAndMonthlyBackupGoesWhenItsMonthLeavesTheMonthlyWindow() {
        Decision d = decision("daily/auth-db-backup-2026-11-26.sql.gz", Decision.Action.KEEP,
                Map.of(Role.DAILY, "2026-11-26", Role.MONTHLY, "2026-11"), null);
        assertThat(Expiry.describe(d, RetentionPolicy.DEFAULTS))
                .isEqualTo("not before 2027-11-01 (as monthly 2026-11, while backups go on)");
    }

    @Test
    void aWeeklyOneAfterThirteenWeeksFromItsMonday() {
        Decision d = decision("daily/auth-db-backup-2026-11-26.sql.gz", Decision.Action.KEEP,
                Map.of(Role.WEEKLY, "2026-W48"), null);
        assertThat(Expiry.describe(d, RetentionPolicy.DEFAULTS)).startsWith("not before 2027-02-22 (as weekly 2026-W48");
    }

    @Test
    void anObjectLockLongerThanTheWindowsIsTheDate() {
        Decision d = decision("daily/auth-db-backup-2026-11-26.sql.gz", Decision.Action.KEEP,
                Map.of(Role.DAILY, "2026-11-26"), Instant.parse("2027-06-01T00:00:00Z"));
        assertThat(Expiry.describe(d, RetentionPolicy.DEFAULTS)).startsWith("not before 2027-06-01");
    }

    @Test
    void deletedAndManualBackupsSaySo() {
        assertThat(Expiry.describe(decision("daily/auth-db-backup-2026-11-26.sql.gz", Decision.Action.DELETE, Map.of(),
                null), RetentionPolicy.DEFAULTS)).isEqualTo("at the next tiering run");
        assertThat(Expiry.describe(decision("manual/auth-db-manual-2026-11-26-101530.sql.gz", Decision.Action.KEEP,
                Map.of(), null), RetentionPolicy.DEFAULTS)).contains("manual");
    }
}
