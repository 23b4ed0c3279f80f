package dev.pgvault.dump;

import java.time.Duration;

/**
 * How to dump.
 *
 * @param lockTimeout how long to wait for the ACCESS SHARE locks (a migration holding an
 *                    exclusive lock makes the backup fail after this, instead of queueing
 *                    every other query behind it)
 */
public record DumpOptions(Duration lockTimeout) {
    public static DumpOptions defaults() {
        return new DumpOptions(Duration.ofSeconds(60));
    }
}
