package dev.pgvault.pitr;

import dev.pgvault.errors.InvalidRequestException;
import java.time.Duration;
import java.time.LocalTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** RDS's daily backup window: {@code hh24:mi-hh24:mi} in UTC, at least 30 minutes long. */
public record BackupWindow(LocalTime start, LocalTime end) {
    private static final Pattern FORMAT = Pattern.compile("^([01]\\d|2[0-3]):([0-5]\\d)-([01]\\d|2[0-3]):([0-5]\\d)$");

    public static BackupWindow parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new InvalidRequestException("backup window '" + text
                    + "' must be hh24:mi-hh24:mi in UTC, for example 02:00-03:00");
        }
        LocalTime start = LocalTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        LocalTime end = LocalTime.of(Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
        if (start.equals(end)) {
            throw new InvalidRequestException("backup window '" + text + "' starts and ends at the same time");
        }
        Duration length = Duration.between(start, end);
        if (length.isNegative()) {
            length = length.plusDays(1); // a window may run past midnight
        }
        if (length.compareTo(Duration.ofMinutes(30)) < 0) {
            throw new InvalidRequestException("backup window '" + text + "' is " + length.toMinutes()
                    + " minutes long; RDS needs at least 30");
        }
        return new BackupWindow(start, end);
    }

    @Override
    public String toString() {
        return start + "-" + end;
    }
}
