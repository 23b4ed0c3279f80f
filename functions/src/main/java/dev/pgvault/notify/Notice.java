package dev.pgvault.notify;

import dev.pgvault.verify.VerificationReport;
import dev.pgvault.verify.VerificationStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a run tells the world: events, which subscribers (Slack, PagerDuty, SNS, metrics) turn
 * into their own messages. A notice holds names, keys, statuses and times, never a secret.
 */
public sealed interface Notice permits Notice.VerificationFailed, Notice.VerificationSucceeded,
        Notice.VerificationRecovered {

    /** The backup name (like auth-db) the notice is about. */
    String backupName();

    Instant at();

    /** One line for a subject, a summary, a log. */
    String summary();

    /**
     * What the checks of a verification are, for grouping alerts: each failure belongs to one, and
     * an incident is per backup name and check.
     */
    enum Check {
        /** The backup restores and matches its manifest (and the operator's checks). */
        VERIFICATION,
        /** The newest daily backup is recent enough. */
        FRESHNESS,
        /** The backup's size is plausible. */
        SIZE;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Check of(VerificationStatus status) {
            return switch (status) {
                case STALE -> FRESHNESS;
                case SUSPICIOUS_SIZE -> SIZE;
                default -> VERIFICATION;
            };
        }
    }

    /**
     * A verification failed.
     *
     * @param key         the backup the verdict is about (null when there is none at all)
     * @param failed      which checks failed (an incident each)
     * @param newestGood  the newest backup that did verify, or null
     * @param rpo         that backup's age, or null
     */
    record VerificationFailed(String backupName, String key, VerificationStatus status, List<String> details,
                              Set<Check> failed, String newestGood, Duration rpo, Instant at) implements Notice {
        public VerificationFailed {
            details = List.copyOf(details);
            failed = Set.copyOf(failed);
        }

        @Override
        public String summary() {
            return "pgvault: verification of " + backupName + " failed: " + status
                    + (key == null ? "" : " (" + key + ")");
        }
    }

    /** A verification passed (OK, or an integrity-only pass). */
    record VerificationSucceeded(String backupName, String key, VerificationStatus status, Duration restoreTime,
                                 long bytesVerified, Duration rpo, Instant at) implements Notice {
        @Override
        public String summary() {
            return "pgvault: verification of " + backupName + " " + (status == VerificationStatus.OK ? "passed"
                    : "passed integrity-only") + " (" + key + ")";
        }
    }

    /** A verification passed after the previous one had failed. Published beside {@link VerificationSucceeded}. */
    record VerificationRecovered(String backupName, String key, VerificationStatus previous, Instant at)
            implements Notice {
        @Override
        public String summary() {
            return "pgvault: verification of " + backupName + " recovered (" + key + " passed; the previous run was "
                    + previous + ")";
        }
    }

    /** The notices a verification run publishes, in order. */
    static List<Notice> of(VerificationReport report, Instant at) {
        List<Notice> notices = new ArrayList<>();
        if (report.status().failed()) {
            Set<Check> failed = new LinkedHashSet<>();
            failed.add(Check.of(report.status()));
            report.findings().forEach(f -> failed.add(Check.of(f)));
            notices.add(new VerificationFailed(report.backupName(), report.result().key(), report.status(),
                    report.result().details(), failed, report.newestGood(), report.rpo(), at));
            return notices;
        }
        notices.add(new VerificationSucceeded(report.backupName(), report.result().key(), report.status(),
                report.restoreTime(), report.bytesVerified(), report.rpo(), at));
        if (report.previousFailure() != null) {
            notices.add(new VerificationRecovered(report.backupName(), report.result().key(), report.previousFailure(),
                    at));
        }
        return notices;
    }
}
