package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** backup --metrics emf: the Lambda's metrics as EMF lines, exactly one outcome per run, apart from --json. */
class CliMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    @BeforeEach
    void load() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 10);
        }
    }

    @Test
    void aWrittenBackupEmitsTheLambdasSuccessMetricsOnStdout() throws Exception {
        CliRun run = backup("--metrics", "emf");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        List<JsonNode> events = emf(run.out());
        assertThat(events).isNotEmpty();
        JsonNode success = withMetric(events, "BackupSucceeded").get(0);
        assertThat(success.path("BackupSucceeded").asInt()).isEqualTo(1);
        assertThat(success.path("BackupFailed").asInt()).isZero();
        assertThat(success.path("BackupName").asText()).isEqualTo("auth-db");
        assertThat(success.path("BackupRows").asLong()).isPositive();
        assertThat(success.path("LastBackupTimestamp").asLong()).isCloseTo(Instant.now().getEpochSecond(),
                org.assertj.core.data.Offset.offset(60L));
        JsonNode directive = success.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(directive.path("Namespace").asText()).isEqualTo("pgvault");
        assertThat(directive.path("Dimensions").toString()).isEqualTo("[[\"BackupName\"]]");
        assertThat(withMetric(events, "BackupFailed").stream().filter(e -> e.path("BackupFailed").asInt() == 1)).isEmpty();
        assertThat(run.out()).contains("backed up "); // the human lines are still there
    }

    @Test
    void withJsonStdoutKeepsOneDocumentAndTheMetricsGoToStderr() throws Exception {
        CliRun run = backup("--metrics", "emf", "--json", "--metrics-namespace", "pgvault-k8s");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(CliOutcomesTest.onlyDocument(run.out()).path("status").asText()).isEqualTo("written");
        JsonNode success = withMetric(emf(run.err()), "BackupSucceeded").get(0);
        assertThat(success.path("_aws").path("CloudWatchMetrics").get(0).path("Namespace").asText())
                .isEqualTo("pgvault-k8s");
    }

    @Test
    void everyFailureIsCountedOnceWithItsClass() throws Exception {
        CliRun noDatabase = CliRun.of("backup", "--repo", repo.toString(), "--metrics", "emf", "--database-url",
                db.server().libpqUrl("no_such_db"));
        assertThat(noDatabase.exitCode()).isEqualTo(ExitCodes.FAILED);
        List<JsonNode> failed = failures(emf(noDatabase.out()));
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).path("ErrorClass").asText()).isEqualTo("Connection");
        assertThat(failed.get(0).path("_aws").path("CloudWatchMetrics").get(0).path("Dimensions").toString())
                .isEqualTo("[[\"BackupName\"],[\"BackupName\",\"ErrorClass\"]]");

        // Before the backup service ran at all: a bad flag value, a missing passphrase file.
        CliRun badLevel = CliRun.of("backup", "--repo", repo.toString(), "--metrics", "emf", "--compression-level", "0",
                "--database-url", db.libpqUrl());
        assertThat(badLevel.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(failures(emf(badLevel.out()))).singleElement()
                .satisfies(e -> assertThat(e.path("ErrorClass").asText()).isEqualTo("InvalidRequest"));
        CliRun noKey = CliRun.of("backup", "--repo", repo.toString(), "--metrics", "emf", "--encryption", "openssl",
                "--passphrase-file", repo.resolve("missing.key").toString(), "--database-url", db.libpqUrl());
        assertThat(noKey.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(failures(emf(noKey.out()))).singleElement()
                .satisfies(e -> assertThat(e.path("ErrorClass").asText()).isEqualTo("EncryptionKey"));
    }

    @Test
    void aHeldKeyIsASkipNotASuccess() throws Exception {
        String key = BackupKey.create(BackupKind.DAILY, "auth-db", Instant.now(), ".sql.gz").key();
        CliRun run;
        try (LiveLock lock = new LiveLock(repo, key, "other", "pgvault on elsewhere (pid 1)")) {
            run = backup("--metrics", "emf");
        }
        assertThat(run.exitCode()).isEqualTo(ExitCodes.HELD);
        List<JsonNode> events = emf(run.out());
        assertThat(withMetric(events, "BackupSkipped")).singleElement()
                .satisfies(e -> assertThat(e.path("reason").asText()).isEqualTo("held"));
        assertThat(withMetric(events, "BackupSucceeded").stream().filter(e -> e.path("BackupSucceeded").asInt() == 1))
                .isEmpty();
        assertThat(failures(events)).isEmpty();
    }

    private CliRun backup(String... more) {
        List<String> args = new ArrayList<>(List.of("backup", "--repo", repo.toString()));
        args.addAll(List.of(more));
        return CliRun.withEnv(Map.of("DATABASE_URL", db.libpqUrl()), args.toArray(String[]::new));
    }

    /** The EMF events among a stream's lines. */
    private static List<JsonNode> emf(String printed) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String line : printed.lines().toList()) {
            if (line.startsWith("{") && line.contains("\"_aws\"")) {
                events.add(JSON.readTree(line));
            }
        }
        return events;
    }

    private static List<JsonNode> withMetric(List<JsonNode> events, String metric) {
        return events.stream().filter(e -> e.path("_aws").path("CloudWatchMetrics").get(0).path("Metrics")
                .findValuesAsText("Name").contains(metric)).toList();
    }

    private static List<JsonNode> failures(List<JsonNode> events) {
        return withMetric(events, "BackupFailed").stream().filter(e -> e.path("BackupFailed").asInt() == 1).toList();
    }
}
