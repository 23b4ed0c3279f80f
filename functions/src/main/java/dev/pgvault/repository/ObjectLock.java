package dev.pgvault.repository;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;

/**
 * S3 Object Lock retention that a store puts on what it writes, upload by upload: the version
 * written cannot be deleted or overwritten before {@link #retainUntil(Instant)}, by anyone in
 * {@link Mode#COMPLIANCE} mode, by anyone without {@code s3:BypassGovernanceRetention} in
 * {@link Mode#GOVERNANCE} mode. Only what {@link BackupArtifacts#retainedUnderObjectLock} names
 * gets it (backup objects, manifests, signatures); a lock file, renewed every few seconds and
 * deleted at the end of every run, never does.
 *
 * <p>The bucket must have Object Lock enabled; S3 refuses retention headers otherwise.
 */
public record ObjectLock(Mode mode, Duration retention) {

    /** S3's two retention modes. */
    public enum Mode {
        /** Deletable early only by principals allowed {@code s3:BypassGovernanceRetention}, asking for it. */
        GOVERNANCE,
        /** Deletable by nobody, the account's root user included, until the date passes. */
        COMPLIANCE;

        /** {@code governance} or {@code compliance}, any case; anything else is refused. */
        public static Mode parse(String value) {
            for (Mode mode : values()) {
                if (mode.name().equalsIgnoreCase(value == null ? "" : value.strip())) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("object lock mode must be governance or compliance, got '" + value + "'");
        }
    }

    public ObjectLock {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(retention, "retention");
        if (retention.compareTo(Duration.ofDays(1)) < 0) {
            throw new IllegalArgumentException("object lock retention must be at least one day, got " + retention);
        }
    }

    public static ObjectLock days(Mode mode, int days) {
        return new ObjectLock(mode, Duration.ofDays(days));
    }

    /**
     * The retain-until date of a version written at {@code now}: {@code now} plus the retention, to
     * the second (S3 keeps whole seconds), never earlier than the full retention.
     */
    public Instant retainUntil(Instant now) {
        Instant exact = now.plus(retention);
        Instant seconds = exact.truncatedTo(ChronoUnit.SECONDS);
        return seconds.equals(exact) ? seconds : seconds.plusSeconds(1);
    }

    /** The mode as S3 spells it in requests. */
    String s3Mode() {
        return mode.name();
    }

    @Override
    public String toString() {
        return mode.name().toLowerCase(Locale.ROOT) + " for " + retention.toDays() + " days";
    }
}
