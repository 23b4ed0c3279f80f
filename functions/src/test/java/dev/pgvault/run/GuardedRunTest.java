package dev.pgvault.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.RunCancelledException;
import dev.pgvault.metrics.BackupMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The watchdog says why it stopped a run, in the words of the function it guards. */
class GuardedRunTest {
    @Test
    void theWatchdogStopsTheRunWithTheReasonItWasGiven() {
        Clock clock = Clock.systemUTC();
        assertThatThrownBy(() -> new GuardedRun(BackupMetrics.NONE, clock).run(new Cancellation(),
                clock.instant().plusMillis(1_200), Duration.ofSeconds(1), "the scratch database is dropped", scope -> {
                    CountDownLatch stopped = new CountDownLatch(1);
                    scope.cancellation().onCancel(stopped::countDown);
                    assertThat(stopped.await(10, TimeUnit.SECONDS)).as("stopped by the watchdog").isTrue();
                    scope.cancellation().check();
                    return null;
                }))
                .isInstanceOf(RunCancelledException.class)
                .hasMessage("stopped 1 s before the function's time limit, so that the scratch database is dropped")
                .satisfies(e -> assertThat(((RunCancelledException) e).reason()).isEqualTo(Cancellation.Reason.TIMEOUT));
    }

    @Test
    void withoutAReasonItSpeaksOfABackup() {
        Clock clock = Clock.systemUTC();

        assertThatThrownBy(() -> new GuardedRun(BackupMetrics.NONE, clock).run(new Cancellation(),
                clock.instant().plusMillis(1_100), Duration.ofSeconds(1), scope -> {
                    CountDownLatch stopped = new CountDownLatch(1);
                    scope.cancellation().onCancel(stopped::countDown);
                    stopped.await(10, TimeUnit.SECONDS);
                    scope.cancellation().check();
                    return null;
                }))
                .isInstanceOf(RunCancelledException.class)
                .hasMessageContaining("the upload is aborted and the lock released");
    }
}
