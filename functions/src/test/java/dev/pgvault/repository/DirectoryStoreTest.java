package dev.pgvault.repository;

import static org.assertj.core.api.Assertions.assertThat;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryStoreTest extends BackupStoreContract {
    @TempDir
    Path dir;

    @Override
    protected BackupStore store() {
        return new DirectoryStore(dir);
    }

    @Test
    void layoutOnDiskIsTheKeyPath() {
        store().put("daily/auth-db-backup-2026-11-24.sql.gz", new byte[] {1, 2});
        assertThat(dir.resolve("daily/auth-db-backup-2026-11-24.sql.gz")).exists().hasBinaryContent(new byte[] {1, 2});
    }

    @Test
    void abortedWritesLeaveNoTempFiles() throws Exception {
        try (PendingObject pending = store().create("daily/x", -1)) {
            pending.write(new byte[1000]);
        }
        try (var files = Files.list(dir.resolve(DirectoryStore.TEMP_DIRECTORY))) {
            assertThat(files).isEmpty();
        }
    }

    /**
     * Only here: S3 serializes conditional writes (If-None-Match) on its side, but the S3Mock
     * test server does not, so racing writers can both win against it.
     */
    @Test
    void concurrentPutIfAbsentHasExactlyOneWinner() throws Exception {
        BackupStore store = store();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> attempts = IntStream.range(0, 8)
                    .<Callable<Boolean>>mapToObj(i -> () -> store.putIfAbsent("race", ("w" + i).getBytes(UTF_8)).isPresent())
                    .toList();
            long winners = 0;
            for (Future<Boolean> result : pool.invokeAll(attempts)) {
                winners += result.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

}
