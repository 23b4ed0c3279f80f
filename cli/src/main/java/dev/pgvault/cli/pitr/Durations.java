package dev.pgvault.cli.pitr;

import java.time.Duration;

/** "4m 12s", "2h 05m", "3d 4h": the way people read lags and recovery times. */
final class Durations {
    private Durations() {
    }

    static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        if (s < 86400) {
            return (s / 3600) + "h " + String.format("%02dm", (s % 3600) / 60);
        }
        return (s / 86400) + "d " + ((s % 86400) / 3600) + "h";
    }
}
