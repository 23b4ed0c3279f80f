package dev.pgvault.cli;

import dev.pgvault.repository.ArchiveRetrieval;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.run.Cancellation;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * --retrieval-tier and --wait: what restore and verify do with a backup in Glacier or Deep Archive.
 * Without --wait they request its retrieval and exit 75 saying when to try again.
 */
public final class RetrievalOptions {
    @Option(names = "--retrieval-tier", paramLabel = "SPEED", defaultValue = "standard",
            description = "For a backup in Glacier or Deep Archive: expedited (Glacier only, minutes), standard"
                    + " (hours) or bulk (cheapest, up to 12 h in Glacier, 48 h in Deep Archive). Default: ${DEFAULT-VALUE}.")
    String tier;

    @Option(names = "--wait", description = "Wait until an archived backup is retrieved instead of exiting 75.")
    boolean await;

    @Option(names = "--wait-interval", paramLabel = "SECONDS", defaultValue = "300",
            description = "With --wait: seconds between checks (default: ${DEFAULT-VALUE}).")
    int intervalSeconds;

    /** Returns once {@code key} can be read; requests its retrieval first when it is archived. */
    void makeReadable(BackupStore store, String key, Invocation invocation) {
        ArchiveRetrieval.Speed speed;
        try {
            speed = ArchiveRetrieval.Speed.parse(tier);
        } catch (RuntimeException e) {
            throw new UsageError("--retrieval-tier: " + e.getMessage());
        }
        if (intervalSeconds < 1) {
            throw new UsageError("--wait-interval must be at least 1 second");
        }
        ArchiveRetrieval retrieval = new ArchiveRetrieval(store, speed, ArchiveRetrieval.DEFAULT_DAYS, Clock.systemUTC());
        if (!await) {
            retrieval.ensureReadable(key);
            return;
        }
        Cancellation cancellation = invocation.signals().begin(new Cancellation());
        try {
            retrieval.awaitReadable(key, Duration.ofSeconds(intervalSeconds), cancellation, invocation.terminal()::say);
        } finally {
            invocation.signals().end();
        }
    }
}
