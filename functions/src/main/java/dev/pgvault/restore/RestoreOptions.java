package dev.pgvault.restore;

import java.time.Duration;

/**
 * How to restore.
 *
 * @param allowNonEmpty    apply on top of whatever the target holds (otherwise a non-empty target is refused)
 * @param clean            first drop what the target holds (its schemas, what is in {@code public}, its large
 *                         objects), in the same transaction; {@code public} itself is kept with its owner,
 *                         grants and default privileges (see {@link TargetDatabase#clean})
 * @param verify           compare the restored tables with the manifest before committing
 * @param showRowData      keep the row values PostgreSQL puts in an error's DETAIL and CONTEXT (and a data
 *                         error's message) in restore failures; off by default, as they are personal data
 *                         (the CLI's {@code --debug})
 * @param cleanLockTimeout how long each of the clean's DROPs waits for a lock another session holds (the
 *                         running application) before the restore fails saying so; zero waits forever
 * @param preflight        check before any statement that the restore fits the target (its lock table);
 *                         see {@link Preflight}
 */
public record RestoreOptions(boolean allowNonEmpty, boolean clean, boolean verify, boolean showRowData,
                             Duration cleanLockTimeout, boolean preflight) {
    /** The clean's default lock wait: long enough for a short transaction, short enough to say why at once. */
    public static final Duration DEFAULT_CLEAN_LOCK_TIMEOUT = Duration.ofSeconds(10);

    public RestoreOptions {
        if (cleanLockTimeout == null || cleanLockTimeout.isNegative()) {
            throw new IllegalArgumentException("the clean's lock timeout must be zero or more");
        }
    }

    public RestoreOptions(boolean allowNonEmpty, boolean clean, boolean verify, boolean showRowData) {
        this(allowNonEmpty, clean, verify, showRowData, DEFAULT_CLEAN_LOCK_TIMEOUT, true);
    }

    /** Without row values in error messages. */
    public RestoreOptions(boolean allowNonEmpty, boolean clean, boolean verify) {
        this(allowNonEmpty, clean, verify, false);
    }

    public static RestoreOptions defaults() {
        return new RestoreOptions(false, false, true, false);
    }

    public RestoreOptions withShowRowData(boolean show) {
        return new RestoreOptions(allowNonEmpty, clean, verify, show, cleanLockTimeout, preflight);
    }

    public RestoreOptions withCleanLockTimeout(Duration timeout) {
        return new RestoreOptions(allowNonEmpty, clean, verify, showRowData, timeout, preflight);
    }

    public RestoreOptions withPreflight(boolean check) {
        return new RestoreOptions(allowNonEmpty, clean, verify, showRowData, cleanLockTimeout, check);
    }
}
