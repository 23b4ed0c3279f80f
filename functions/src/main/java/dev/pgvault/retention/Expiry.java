package dev.pgvault.retention;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * When a backup the plan keeps can go at the earliest, for the erasure report (what an auditor
 * asks: until when does a backup still hold an erased person). A backup is kept while any period
 * it represents is inside that role's window, and windows are measured from the newest good
 * backup: so the date holds while backups go on; if they stop, every date moves out with them.
 */
public final class Expiry {
    private Expiry() {}

    /** A sentence: "at the next tiering run", "not before 2027-12-31 (as yearly 2026, ...)", or why never by pgvault. */
    public static String describe(Decision decision, RetentionPolicy policy) {
        if (decision.deletes()) {
            return "at the next tiering run";
        }
        if (decision.roles().isEmpty()) {
            return "not tiered (a manual backup): kept until deleted by hand";
        }
        LocalDate day = LocalDate.ofInstant(decision.backup().key().instant(), ZoneOffset.UTC);
        LocalDate latest = null;
        Role longest = null;
        for (Map.Entry<Role, String> role : decision.roles().entrySet()) {
            Role r = role.getKey();
            LocalDate leaves = r.shift(r.periodStart(day), window(r, policy));
            if (latest == null || leaves.isAfter(latest)) {
                latest = leaves;
                longest = r;
            }
        }
        if (decision.retainUntil() != null) {
            LocalDate locked = LocalDate.ofInstant(decision.retainUntil(), ZoneOffset.UTC);
            if (locked.isAfter(latest)) {
                latest = locked;
            }
        }
        return "not before " + latest + " (as " + longest.word() + " " + decision.roles().get(longest)
                + ", while backups go on)";
    }

    private static long window(Role role, RetentionPolicy policy) {
        return switch (role) {
            case DAILY -> policy.dailyDays();
            case WEEKLY -> policy.weeklyWeeks();
            case MONTHLY -> policy.monthlyMonths();
            case YEARLY -> policy.yearlyYears();
        };
    }
}
