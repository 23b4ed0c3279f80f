package dev.pgvault.cli;

import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.run.Cancellation;
import dev.pgvault.run.GuardedRun;
import java.time.Clock;

/**
 * Runs a config or code command's work the way every pgvault run goes: in the run wrapper (one
 * failure report, whatever failed), cancelled by Ctrl-C or SIGTERM.
 */
final class GuardedCommand {
    private GuardedCommand() {
    }

    /** The work with the run's cancellation; {@code kind} names the run in logs. */
    interface Work<T> {
        T run(Cancellation cancellation) throws Exception;
    }

    static <T> T run(Invocation invocation, String kind, Work<T> work) {
        Cancellation cancellation = invocation.signals().begin(new Cancellation());
        try {
            return new GuardedRun(BackupMetrics.NONE, Clock.systemUTC()).run(cancellation, scope -> {
                scope.kind(kind);
                return work.run(scope.cancellation());
            });
        } finally {
            invocation.signals().end();
        }
    }
}
