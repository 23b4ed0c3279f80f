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
 * @param tablespaces              write which tablespace each table, index and materialized view is in
 *                                 (the tablespaces must exist where the backup is restored); off, everything
 *                                 goes to the restoring database's default tablespace, as
 *                                 {@code pg_dump --no-tablespaces}. On by default, as pg_dump
 * @param globals                  also write the roles the database needs, as a script beside the backup
 *                                 ({@link GlobalsDump}); off by default
 * @param jobs                     how many connections read table data at once, in the dump's one snapshot;
 *                                 1 reads it on the dump's own connection (see {@code ParallelCopy})
 * @param chunkBytes               the size (table plus TOAST) above which a table is read in page ranges
 *                                 by several connections; 0 chooses from the database's size
 */
public record DumpOptions(Duration lockTimeout, boolean keepOwnersAndPrivileges, boolean tablespaces, boolean globals,
                          int jobs, long chunkBytes) {
    public DumpOptions {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
        }
        if (chunkBytes < 0) {
            throw new IllegalArgumentException("chunkBytes must not be negative, got " + chunkBytes);
        }
    }

    public DumpOptions(Duration lockTimeout) {
        this(lockTimeout, false);
    }

    public DumpOptions(Duration lockTimeout, boolean keepOwnersAndPrivileges) {
        this(lockTimeout, keepOwnersAndPrivileges, true, false, 1, 0);
    }

    public static DumpOptions defaults() {
        return new DumpOptions(Duration.ofSeconds(60));
    }

    public DumpOptions withOwnersAndPrivileges(boolean keep) {
        return new DumpOptions(lockTimeout, keep, tablespaces, globals, jobs, chunkBytes);
    }

    /** {@code false}: leave tablespaces out, as {@code pg_dump --no-tablespaces}. */
    public DumpOptions withTablespaces(boolean keep) {
        return new DumpOptions(lockTimeout, keepOwnersAndPrivileges, keep, globals, jobs, chunkBytes);
    }

    /** {@code true}: write the roles script beside the backup, as {@code pg_dumpall --globals-only --no-role-passwords}. */
    public DumpOptions withGlobals(boolean write) {
        return new DumpOptions(lockTimeout, keepOwnersAndPrivileges, tablespaces, write, jobs, chunkBytes);
    }

    /** {@code jobs} connections read table data at once (1: serially, on the dump's connection). */
    public DumpOptions withJobs(int jobs) {
        return new DumpOptions(lockTimeout, keepOwnersAndPrivileges, tablespaces, globals, jobs, chunkBytes);
    }

    /** Tables larger than {@code bytes} are read in page ranges (0: chosen from the database's size). */
    public DumpOptions withChunkBytes(long bytes) {
        return new DumpOptions(lockTimeout, keepOwnersAndPrivileges, tablespaces, globals, jobs, bytes);
    }
}
