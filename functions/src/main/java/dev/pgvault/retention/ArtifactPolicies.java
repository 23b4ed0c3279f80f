package dev.pgvault.retention;

import dev.pgvault.repository.ArtifactType;

/**
 * How long configuration and code backups are kept, by the same rules as database backups (windows
 * from the newest backup of each series, the newest {@code keepNewest} never deleted, the share
 * limit). Defaults from issue 14: configuration daily for 30 days, code the newest of each of the
 * last 13 ISO weeks (about 90 days).
 *
 * @param configDays     every configuration backup of the last this many days is kept (at least 1)
 * @param codeWeeks      the newest code backup of each of the last this many ISO weeks is kept (at least 1)
 * @param keepNewest     the newest this many backups of each series are never deleted
 * @param maxDeleteShare a plan deleting more than this share of a series deletes nothing (0 to 1)
 */
public record ArtifactPolicies(int configDays, int codeWeeks, int keepNewest, double maxDeleteShare) {
    public static final int DEFAULT_CONFIG_DAYS = 30;
    public static final int DEFAULT_CODE_WEEKS = 13;

    public ArtifactPolicies {
        if (codeWeeks < 1) {
            throw new dev.pgvault.errors.ConfigurationException("code retention weeks must be at least 1, got "
                    + codeWeeks);
        }
        policy(ArtifactType.CONFIG, configDays, codeWeeks, keepNewest, maxDeleteShare); // validates the rest
    }

    /** The defaults, with the database policy's floor and share limit. */
    public static ArtifactPolicies defaults(RetentionPolicy database) {
        return new ArtifactPolicies(DEFAULT_CONFIG_DAYS, DEFAULT_CODE_WEEKS, database.keepVerified(),
                database.maxDeleteShare());
    }

    /**
     * The planner's policy for {@code type}. Code keeps only its weekly window (plus the anchor day,
     * the smallest daily window the planner has); nothing of either is moved to a colder class.
     */
    public RetentionPolicy policy(ArtifactType type) {
        return policy(type, configDays, codeWeeks, keepNewest, maxDeleteShare);
    }

    private static RetentionPolicy policy(ArtifactType type, int configDays, int codeWeeks, int keepNewest,
                                          double maxDeleteShare) {
        return switch (type) {
            case CONFIG -> new RetentionPolicy(configDays, 0, 0, 0, keepNewest, maxDeleteShare);
            case CODE -> new RetentionPolicy(1, codeWeeks, 0, 0, keepNewest, maxDeleteShare);
            case DATABASE -> throw new IllegalArgumentException("database backups have their own RetentionPolicy");
        };
    }
}
