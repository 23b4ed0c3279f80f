package dev.pgvault.repository;

import java.time.Instant;
import java.time.LocalDateTime;

/**
 * What the retention planner needs of a stored backup's key, whatever it is a backup of: database
 * backups ({@link BackupKey}) and configuration or code backups ({@link ArtifactKey}) are planned by
 * the same rules, each within its own series.
 */
public interface RetainedKey {

    /** The object's key in the repository. */
    String key();

    /**
     * The series the key belongs to, within which windows are measured and deletions counted:
     * the backup name for database backups (auth-db), the key with a * for the date for others
     * (config/shopping-app-config-*.yaml.gz).
     */
    String series();

    /** The UTC time in the key (the start of the day for daily keys). */
    LocalDateTime time();

    Instant instant();

    /** Whether it was taken by hand: the plan never deletes or moves it. */
    boolean manual();
}
