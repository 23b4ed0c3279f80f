package dev.pgvault.dump;

import java.time.Duration;

/**
 * How to dump.
 *
 * @param lockTimeout              how long to wait for the ACCESS SHARE locks (a migration holding an
 *                                 exclusive lock makes the backup fail after this, instead of queueing
 *                                 every other query behind it)
 * @param keepOwnersAndPrivileges  write {@code ALTER ... OWNER TO} and GRANT/REVOKE; off by default, so a
 *                                 restore works for whatever role runs it, into an instance that lacks
 *                                 the source's roles (as {@code pg_dump --no-owner --no-privileges})
 */
public record DumpOptions(Duration lockTimeout, boolean keepOwnersAndPrivileges) {
    public DumpOptions(Duration lockTimeout) {
        this(lockTimeout, false);
    }

    public static DumpOptions defaults() {
        return new DumpOptions(Duration.ofSeconds(60));
    }

    public DumpOptions withOwnersAndPrivileges(boolean keep) {
        return new DumpOptions(lockTimeout, keep);
    }
}
