package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code pgvault verify}: exit 0 only for OK, the result as one line or JSON, no scratch database left. */
class CliVerifyTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    @TempDir
    Path files;

    private String key;

    @BeforeEach
    void backUp() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 100);
        }
        CliRun backup = CliRun.of("backup", "--database-url", db.libpqUrl(), "--repo", repo.toString());
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        key = CliRun.of("list", "--repo", repo.toString(), "--json").out().replaceAll("(?s).*\"key\" *: *\"([^\"]+)\".*", "$1");
        assertThat(key).startsWith("daily/auth-db-backup-");
    }

    @AfterEach
    void noScratchDatabaseLeft() throws Exception {
        try (Connection c = db.server().connect("postgres");
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT count(*) FROM pg_database WHERE datname LIKE 'pgvault\\_verify\\_%'")) {
            rs.next();
            assertThat(rs.getInt(1)).isZero();
        }
    }

    private static String last(CliRun run) {
        java.util.List<String> lines = run.out().lines().toList();
        return lines.get(lines.size() - 1);
    }

    private CliRun verify(String... more) {
        String[] args = new String[] {"verify", "--repo", repo.toString(), "--scratch-url",
                db.server().libpqUrl("postgres")};
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return CliRun.of(all);
    }

    @Test
    void aGoodBackupIsOkAndExitsZeroAndIsRecordedForList() {
        CliRun run = verify("--backup", "latest");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        // What it is about to do, then the result as one line.
        assertThat(run.out().lines().toList()).hasSize(2).first().asString().startsWith("verifying the newest backup of auth-db");
        assertThat(last(run)).startsWith("OK " + key + ": restored 2 tables").contains("RPO");
        assertThat(CliRun.of("list", "--repo", repo.toString()).out()).contains("ok ");
    }

    @Test
    void theResultAsJson() throws Exception {
        CliRun run = verify("--backup", key, "--json");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertThat(doc.get("status").asText()).isEqualTo("OK");
        assertThat(doc.get("key").asText()).isEqualTo(key);
        assertThat(doc.get("newestGoodBackup").asText()).isEqualTo(key);
        assertThat(doc.get("restoreMillis").asLong()).isNotNegative();
        assertThat(doc.get("bytesVerified").asLong()).isEqualTo(Files.size(repo.resolve(key)));
        assertThat(doc.get("attempts")).hasSize(1);
        assertThat(doc.get("error").isNull()).isTrue();
    }

    @Test
    void aDamagedBackupExitsOneWithItsResult() throws Exception {
        Path object = repo.resolve(key);
        byte[] bytes = Files.readAllBytes(object);
        bytes[bytes.length / 2] ^= 1;
        Files.write(object, bytes);

        CliRun run = verify("--backup", "latest", "--json");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.FAILED);
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertThat(doc.get("status").asText()).isEqualTo("CHECKSUM_MISMATCH");
        assertThat(doc.get("details").get(0).asText()).contains("SHA-256");
    }

    @Test
    void aFailingCheckExitsOne() throws Exception {
        Path checks = files.resolve("checks.json");
        Files.writeString(checks, "{\"checks\": [{\"name\": \"someone is called nobody\","
                + " \"sql\": \"SELECT count(*) FROM users WHERE email = 'nobody@example.com'\", \"expect\": {\"min\": 1}}]}");
        CliRun run = verify("--backup", "latest", "--checks", checks.toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(last(run)).startsWith("CHECK_FAILED " + key + ": check 'someone is called nobody' failed: expected >= 1, got 0");
    }

    @Test
    void badInputIsAUsageError() throws Exception {
        assertThat(verify("--backup", key, "--name", "auth-db").exitCode()).isEqualTo(ExitCodes.USAGE);
        Path checks = files.resolve("bad.json");
        Files.writeString(checks, "{\"checks\": [{\"name\": \"x\", \"sql\": \"SELECT 1\"}]}");
        CliRun bad = verify("--backup", "latest", "--checks", checks.toString());
        assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.err()).contains("needs \"expect\"");
        assertThat(verify("--backup", "daily/not-a-key").exitCode()).isEqualTo(ExitCodes.USAGE);
    }
}
