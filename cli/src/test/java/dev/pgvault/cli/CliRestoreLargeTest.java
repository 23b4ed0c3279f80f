package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The restore's flags for cleaning over a running application and for databases too large for
 * one transaction: --clean's lock timeout, the preflight's report, --into-new-database --swap.
 */
class CliRestoreLargeTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    @BeforeEach
    void backUp() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 50);
        }
        CliRun backup = CliRun.of("backup", "--database-url", db.libpqUrl(), "--repo", repo.toString());
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
    }

    @Test
    void cleanBlockedByTheApplicationSaysScaleDownAndExitsOne() throws Exception {
        String target = db.newDatabase();
        CliRun first = restore("--database-url", db.server().libpqUrl(target));
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out() + first.err()).contains("preflight: the restore holds about 14 locks")
                .contains("14 relations the backup creates")
                .contains("free disk cannot be read over SQL");
        try (Connection application = db.server().connect(target); Statement st = application.createStatement()) {
            application.setAutoCommit(false);
            st.execute("SELECT count(*) FROM users");

            CliRun blocked = restore("--database-url", db.server().libpqUrl(target), "--clean", "--lock-timeout", "1");

            assertThat(blocked.exitCode()).as(blocked.toString()).isEqualTo(ExitCodes.FAILED);
            assertThat(blocked.err()).contains("--clean waited 1 s for a lock")
                    .contains("Scale the application down (kubectl scale deployment/... --replicas=0) and retry;"
                            + " nothing was changed");
            application.rollback();
        }
        CliRun clean = restore("--database-url", db.server().libpqUrl(target), "--clean");
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
    }

    @Test
    void intoANewDatabaseWithSwapReplacesTheUrlsDatabase() throws Exception {
        String production = db.newDatabase();
        db.execute(production, "CREATE TABLE old_data (id int)");

        CliRun run = restore("--database-url", db.server().libpqUrl(production), "--into-new-database", "--swap",
                "--json");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertThat(doc.path("status").asText()).isEqualTo("restored");
        assertThat(doc.path("newDatabase").path("database").asText()).isEqualTo(production);
        assertThat(doc.path("newDatabase").path("swapped").asBoolean()).isTrue();
        String previous = doc.path("newDatabase").path("previous").asText();
        assertThat(previous).startsWith(production + "_pre_restore_");
        assertThat(doc.path("verification").path("status").asText()).isEqualTo("OK");
        assertThat(run.err()).contains("preflight: restoring into the new database " + production + "_restore_")
                .contains("swapped: " + production + " is now the restored database")
                .contains("then swapped in; the database it replaced is kept as " + previous);
        assertThat(db.queryLong(production, "SELECT count(*) FROM users")).isEqualTo(50);
        assertThat(db.queryLong(previous, "SELECT count(*) FROM pg_class WHERE relname = 'old_data'")).isEqualTo(1);
        db.server().dropDatabase(previous);
    }

    @Test
    void flagsThatDoNotGoTogetherAreUsageErrors() {
        String target = db.newDatabase();
        String url = db.server().libpqUrl(target);
        assertUsage(restore("--database-url", url, "--swap"), "--swap goes with --into-new-database");
        assertUsage(restore("--database-url", url, "--into-new-database", "--clean"), "--clean, --allow-non-empty");
        assertUsage(restore("--database-url", url, "--into-new-database", "--terminate-connections"),
                "give --swap too");
        assertUsage(restore("--database-url", url, "--lock-timeout", "5"), "give it with --clean");
        assertUsage(CliRun.of("restore", "--file", repo.resolve("x.sql").toString(), "--database-url", url,
                "--into-new-database"), "--into-new-database restores a backup from --repo");
    }

    private void assertUsage(CliRun run, String message) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains(message);
    }

    private CliRun restore(String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "restore";
        args[1] = "--repo";
        args[2] = repo.toString();
        args[3] = "--backup=latest";
        System.arraycopy(more, 0, args, 4, more.length);
        return CliRun.of(args);
    }
}
