package dev.pgvault.repository;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Writers racing for one key: exactly one wins, whatever the timing. Run against the stores and
 * servers that serialize conditional writes (the directory store; S3 as moto emulates it). Not
 * against S3Mock: it checks preconditions one request at a time but not atomically, so two racing
 * writers can both win there (real S3 serializes them).
 */
interface ConditionalRaceContract {
    int WRITERS = 8;

    BackupStore store();

    @RepeatedTest(3)
    default void ofWritersRacingPutIfAbsentExactlyOneWins() throws Exception {
        BackupStore store = store();
        List<Optional<String>> results = race(i -> () -> store.putIfAbsent("daily/race.lock", content(i)));
        assertExactlyOneWinner(store, "daily/race.lock", results);
    }

    @RepeatedTest(3)
    default void ofWritersRacingReplaceIfMatchOnOneVersionExactlyOneWins() throws Exception {
        BackupStore store = store();
        String etag = store.putIfAbsent("daily/lease.lock", "initial".getBytes(UTF_8)).orElseThrow();
        List<Optional<String>> results = race(i -> () -> store.replaceIfMatch("daily/lease.lock", content(i), etag));
        assertExactlyOneWinner(store, "daily/lease.lock", results);
    }

    @RepeatedTest(3)
    default void ofWritersRacingDeleteIfMatchExactlyOneDeletes() throws Exception {
        BackupStore store = store();
        String etag = store.putIfAbsent("daily/stale.lock", "old".getBytes(UTF_8)).orElseThrow();
        List<Boolean> deleted = race(i -> () -> store.deleteIfMatch("daily/stale.lock", etag));
        assertThat(deleted.stream().filter(d -> d).count()).as("writers that deleted").isEqualTo(1);
        assertThat(store.stat("daily/stale.lock")).isEmpty();
    }

    private static byte[] content(int writer) {
        return ("writer " + writer).getBytes(UTF_8);
    }

    private static void assertExactlyOneWinner(BackupStore store, String key, List<Optional<String>> results) {
        List<Integer> winners = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).isPresent()) {
                winners.add(i);
            }
        }
        assertThat(winners).as("writers that won").hasSize(1);
        int winner = winners.get(0);
        Versioned stored = store.readVersioned(key).orElseThrow();
        assertThat(new String(stored.content(), UTF_8)).isEqualTo("writer " + winner);
        assertThat(stored.etag()).isEqualTo(results.get(winner).orElseThrow());
    }

    /** Runs {@link #WRITERS} attempts released at once by a barrier; their results by writer. */
    private static <T> List<T> race(IntFunction<Callable<T>> attempt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        CyclicBarrier start = new CyclicBarrier(WRITERS);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                Callable<T> call = attempt.apply(i);
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return call.call();
                }));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(120, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
