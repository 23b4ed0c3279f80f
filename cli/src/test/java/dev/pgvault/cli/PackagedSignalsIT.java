package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.testing.SharedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real signals to the packaged jar in the middle of a backup that streams data: it stops, undoes
 * what it started (the upload, the lock) and exits 143 after SIGTERM, 130 after SIGINT; the
 * repository holds nothing afterwards, not even a partial file.
 *
 * <p>The backup service's own cancellation (issue 8) makes the core abort the upload and release
 * the lock when cancelled; until it lands, the CLI's part (closing the connection it opened for
 * the dump, on the cancellation) already makes the run fail on the core's failure path, which
 * does the same.
 */
class PackagedSignalsIT {
    private static final String DATABASE = "pgv_signals_" + ProcessHandle.current().pid();

    @TempDir
    Path repo;

    /** About 150 MB of text, made once: at gzip -9 its backup takes several seconds on two busy cores. */
    @BeforeAll
    static void bigEnoughToTakeSeconds() throws Exception {
        SharedPostgres.server().createDatabase(DATABASE);
        try (var c = SharedPostgres.server().connect(DATABASE); var s = c.createStatement()) {
            s.execute("CREATE TABLE events AS SELECT g AS id, md5(g::text) AS a, md5((g * 7)::text) AS b,"
                    + " md5((g * 13)::text) AS c FROM generate_series(1, 1500000) g");
        }
    }

    @AfterAll
    static void drop() {
        SharedPostgres.server().dropDatabase(DATABASE);
    }

    @Test
    void sigtermMidBackupExits143AndLeavesNothing() throws Exception {
        CliRun run = interruptMidBackup("TERM");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.SIGTERM);
        assertThat(run.err()).contains("pgvault: interrupted by SIGTERM: the backup was stopped");
        assertNothingLeft();
    }

    @Test
    void ctrlCMidBackupExits130AndLeavesNothing() throws Exception {
        CliRun run = interruptMidBackup("INT");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.SIGINT);
        assertThat(run.err()).contains("pgvault: interrupted by SIGINT");
        assertNothingLeft();
    }

    private CliRun interruptMidBackup(String signal) throws Exception {
        JarProcess backup = JarProcess.start(List.of(), Map.of("DATABASE_URL", SharedPostgres.server().libpqUrl(DATABASE)), "backup", "--repo",
                repo.toString(), "--compression-level", "9");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (partialBytes() < 64 * 1024) { // the dump is streaming into the upload
            assertThat(backup.process.isAlive()).as("the backup ended before it could be interrupted: "
                    + "make the table bigger").isTrue();
            assertThat(Instant.now()).as("the upload never started").isBefore(deadline);
            Thread.sleep(20);
        }
        assertThat(new DirectoryStore(repo).list("")).extracting(o -> o.key()).singleElement()
                .satisfies(lock -> assertThat(lock).endsWith(".sql.gz.lock"));
        backup.signal(signal);
        return backup.await(60);
    }

    private void assertNothingLeft() {
        assertThat(new DirectoryStore(repo).list("")).isEmpty(); // no object, no manifest, no lock
        assertThat(CliSignalsTest.files(repo)).isEmpty(); // no partial under .pgvault-tmp either
    }

    private long partialBytes() throws IOException {
        Path temp = repo.resolve(".pgvault-tmp");
        if (!Files.isDirectory(temp)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(temp)) {
            return files.filter(f -> f.toString().endsWith(".partial")).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
