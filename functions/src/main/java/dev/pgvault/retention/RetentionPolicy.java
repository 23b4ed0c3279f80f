package dev.pgvault.retention;

import dev.pgvault.errors.ConfigurationException;

/**
 * How long backups are kept, as numbers of calendar periods (UTC) counted back from the newest good
 * backup, never from today. Defaults follow the runbook: dailies 30 days in Standard, weeklies 13
 * ISO weeks (about 90 days) in Standard-IA, monthlies 12 months in Glacier, yearlies 7 years in
 * Deep Archive.
 *
 * @param dailyDays       every good backup of the last this many days is kept (at least 1)
 * @param weeklyWeeks     the representative of each of the last this many ISO weeks is kept (0: none)
 * @param monthlyMonths   the representative of each of the last this many months is kept (0: none)
 * @param yearlyYears     the representative of each of the last this many years is kept (0: none)
 * @param keepVerified    the newest this many verified backups are never deleted, whatever the windows say
 * @param maxDeleteShare  a plan deleting more than this share of the name's backups deletes nothing (0 to 1)
 */
public record RetentionPolicy(int dailyDays, int weeklyWeeks, int monthlyMonths, int yearlyYears, int keepVerified,
                              double maxDeleteShare) {

    public static final RetentionPolicy DEFAULTS = new RetentionPolicy(30, 13, 12, 7, 7, 0.20);

    public RetentionPolicy {
        atLeast("daily days", dailyDays, 1);
        atLeast("weekly weeks", weeklyWeeks, 0);
        atLeast("monthly months", monthlyMonths, 0);
        atLeast("yearly years", yearlyYears, 0);
        atLeast("newest verified backups kept", keepVerified, 0);
        if (!(maxDeleteShare > 0 && maxDeleteShare <= 1)) {
            throw new ConfigurationException("the largest share of backups one run may delete must be more than 0"
                    + " and at most 1 (0.2 = 20%), got " + maxDeleteShare);
        }
    }

    /** The number of periods {@code role} keeps. */
    public int periods(Role role) {
        return switch (role) {
            case DAILY -> dailyDays;
            case WEEKLY -> weeklyWeeks;
            case MONTHLY -> monthlyMonths;
            case YEARLY -> yearlyYears;
        };
    }

    private static void atLeast(String what, int value, int minimum) {
        if (value < minimum) {
            throw new ConfigurationException("retention " + what + " must be at least " + minimum + ", got " + value);
        }
    }
}
