package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A signal during a backup or restore, in-process: the run is stopped where it waits (here on a
 * table lock the test holds, so "midway" is certain), undoes its work, and the CLI exits 143
 * (SIGTERM) or 130 (SIGINT). The packaged jar's real signals are in {@code PackagedSignalsIT}.
 */
class CliSignalsTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    @BeforeEach
    void load() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 50);
        }
    }

    @Test
    void sigtermMidBackupLeavesNoObjectNoManifestNoLock() throws Exception {
        Signals signals = Signals.none();
        CompletableFuture<CliRun> run;
        try (Connection blocker = db.connect(); Statement s = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            s.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE"); // the dump waits here for its ACCESS SHARE lock
            run = CompletableFuture.supplyAsync(() -> CliRun.with(Map.of("DATABASE_URL", db.libpqUrl()), signals,
                    "backup", "--repo", repo.toString(), "--json"));
            waitFor("the backup to wait for its table lock, its upload and lock started", () ->
                    waiting(db.name()) && files(repo).anyMatch(f -> f.endsWith(".lock"))
                            && files(repo).anyMatch(f -> f.endsWith(".partial")));

            signals.deliver("SIGTERM");
            CliRun stopped = run.get(30, TimeUnit.SECONDS);

            assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(ExitCodes.SIGTERM);
            assertThat(stopped.err()).contains("pgvault: interrupted by SIGTERM: the backup was stopped");
            JsonNode doc = CliOutcomesTest.onlyDocument(stopped.out());
            assertThat(doc.path("status").asText()).isEqualTo("failed");
            assertThat(doc.path("error").path("class").asText()).isEqualTo("Interrupted");
            blocker.rollback();
        }
        assertThat(new DirectoryStore(repo).list("")).isEmpty(); // no object, no manifest, no lock
        assertThat(files(repo)).isEmpty(); // and no partial upload either
    }

    @Test
    void sigintMidRestoreRollsBackAndLeavesTheTargetAsItWas() throws Exception {
        assertThat(CliRun.of("backup", "--repo", repo.toString(), "--database-url", db.libpqUrl()).exitCode()).isZero();
        String target = db.newDatabase();
        db.execute(target, "CREATE TABLE keep_me (id int); INSERT INTO keep_me VALUES (1), (2)");
        Signals signals = Signals.none();
        try (Connection blocker = db.server().connect(target); Statement s = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            s.execute("LOCK TABLE keep_me IN ACCESS SHARE MODE"); // --clean's DROP SCHEMA waits for it
            CompletableFuture<CliRun> run = CompletableFuture.supplyAsync(() -> CliRun.with(Map.of(), signals,
                    "restore", "--repo", repo.toString(), "--backup", "latest", "--clean",
                    "--database-url", db.server().libpqUrl(target)));
            waitFor("the restore to wait for the lock", () -> waiting(target));

            signals.deliver("SIGINT");
            CliRun stopped = run.get(30, TimeUnit.SECONDS);

            assertThat(stopped.exitCode()).as(stopped.toString()).isEqualTo(ExitCodes.SIGINT);
            assertThat(stopped.errLines()).containsExactly("pgvault: interrupted by SIGINT: the restore was rolled back;"
                    + " the target database is as it was");
            blocker.rollback();
        }
        assertThat(db.queryLong(target, "SELECT count(*) FROM keep_me")).isEqualTo(2);
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).isEqualTo(1);
    }

    /** Whether a session on {@code database} waits for a lock. */
    private boolean waiting(String database) {
        return db.queryLong("postgres", "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database
                + "' AND wait_event_type = 'Lock'") > 0;
    }

    private static void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Every file under the repository, temporary ones included, except the directory store's own
     * file for serialising conditional writes (empty, and never a backup or part of one).
     */
    static Stream<String> files(Path repo) {
        try (Stream<Path> walk = Files.walk(repo)) {
            return walk.filter(Files::isRegularFile).map(p -> repo.relativize(p).toString())
                    .filter(name -> !name.equals(".pgvault-tmp/conditional.lock")).toList().stream();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
