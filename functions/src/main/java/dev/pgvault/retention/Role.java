package dev.pgvault.retention;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.util.Locale;

/**
 * Why a backup is kept: it is in the daily window, or it represents an ISO week, a calendar month
 * or a calendar year (UTC) inside that role's window. Each role keeps its backups in one storage
 * tier; the roles are ordered by window, shortest (and warmest) first.
 */
public enum Role {
    DAILY(StorageTier.STANDARD),
    WEEKLY(StorageTier.STANDARD_IA),
    MONTHLY(StorageTier.GLACIER),
    YEARLY(StorageTier.DEEP_ARCHIVE);

    private final StorageTier tier;

    Role(StorageTier tier) {
        this.tier = tier;
    }

    public StorageTier tier() {
        return tier;
    }

    /** The first day of the period of this role that holds {@code day} (the day itself, the ISO week's Monday, ...). */
    public LocalDate periodStart(LocalDate day) {
        return switch (this) {
            case DAILY -> day;
            case WEEKLY -> day.with(DayOfWeek.MONDAY);
            case MONTHLY -> day.withDayOfMonth(1);
            case YEARLY -> day.withDayOfYear(1);
        };
    }

    /** The start of the period {@code periods} after the one starting {@code start} (negative: before). */
    public LocalDate shift(LocalDate start, long periods) {
        return switch (this) {
            case DAILY -> start.plusDays(periods);
            case WEEKLY -> start.plusWeeks(periods);
            case MONTHLY -> start.plusMonths(periods);
            case YEARLY -> start.plusYears(periods);
        };
    }

    /** How many periods lie between the periods holding {@code from} and {@code to} (0: the same). */
    public long periodsBetween(LocalDate from, LocalDate to) {
        LocalDate a = periodStart(from);
        LocalDate b = periodStart(to);
        return switch (this) {
            case DAILY -> ChronoUnit.DAYS.between(a, b);
            case WEEKLY -> ChronoUnit.WEEKS.between(a, b);
            case MONTHLY -> ChronoUnit.MONTHS.between(a, b);
            case YEARLY -> ChronoUnit.YEARS.between(a, b);
        };
    }

    /** The period's name: {@code 2026-11-24}, {@code 2026-W48} (ISO week-based year), {@code 2026-11}, {@code 2026}. */
    public String label(LocalDate day) {
        return switch (this) {
            case DAILY -> day.toString();
            case WEEKLY -> String.format(Locale.ROOT, "%d-W%02d", day.get(IsoFields.WEEK_BASED_YEAR),
                    day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTHLY -> String.format(Locale.ROOT, "%d-%02d", day.getYear(), day.getMonthValue());
            case YEARLY -> Integer.toString(day.getYear());
        };
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
