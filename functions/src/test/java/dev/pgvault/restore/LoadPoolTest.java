package dev.pgvault.restore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.testing.TestDatabase;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * When the pool's background work (a loaded table's comparison) may start: never while the
 * reader's connection may hold uncommitted locks or rows, which the work would wait for or miss.
 */
class LoadPoolTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @Test
    void backgroundWorkWaitsForTheReaderToCommit() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        try (LoadPool pool = new LoadPool(List.of(db.connect(), db.connect()), 1024)) {
            pool.afterLoad(load -> connection -> {
                ran.countDown();
                return 0;
            });
            pool.readerBusy();
            pool.sealed(pool.startTable("\"public\".\"t\"", "public.t")); // no chunks: loaded at once

            assertThat(ran.await(500, TimeUnit.MILLISECONDS)).as("started while the reader was busy").isFalse();

            pool.readerCommitted();
            assertThat(ran.await(10, TimeUnit.SECONDS)).as("started once the reader committed").isTrue();
        }
    }
}
