package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.testing.SharedPostgres;
import dev.pgvault.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar in a real process environment: the password from PGPASSFILE or ~/.pgpass (read
 * by the PostgreSQL driver, as libpq would), and a failure printed once (the core's log line about
 * it is not repeated on the console).
 */
class PackagedEnvironmentIT {
    private static final String ROLE = "pgv_pgpass_" + ProcessHandle.current().pid();
    private static final String PASSWORD = "Pw-from-a-file-only";

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path dir;

    @BeforeAll
    static void role() throws Exception {
        try (Connection c = SharedPostgres.server().connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
            s.execute("GRANT pg_read_all_data TO " + ROLE);
        }
    }

    /** Something to back up: a database without user tables is refused as probably the wrong one. */
    @org.junit.jupiter.api.BeforeEach
    void table() {
        db.execute("CREATE TABLE accounts (id int PRIMARY KEY); INSERT INTO accounts VALUES (1)");
    }

    @AfterAll
    static void dropRole() throws Exception {
        try (Connection c = SharedPostgres.server().connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS " + ROLE);
        }
    }

    @Test
    void thePasswordComesFromPgpassfile() throws Exception {
        Path file = pgpass(dir.resolve("pgpass"));
        Map<String, String> env = libpq();
        env.put("PGPASSFILE", file.toString());
        CliRun run = JarProcess.run(List.of("-Duser.home=" + dir.resolve("nohome")), env, "backup", "--repo", repo());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("backed up " + ROLE + "@127.0.0.1:");
        assertThat(run.out() + run.err()).doesNotContain(PASSWORD);
    }

    @Test
    void thePasswordComesFromPgpassInTheHomeDirectory() throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        pgpass(home.resolve(".pgpass"));
        CliRun run = JarProcess.run(List.of("-Duser.home=" + home), libpq(), "backup", "--repo", repo());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out() + run.err()).doesNotContain(PASSWORD);
    }

    @Test
    void withoutAPasswordAnywhereTheServerSaysSo() throws Exception {
        CliRun run = JarProcess.run(List.of("-Duser.home=" + dir.resolve("nohome")), libpq(), "backup", "--repo",
                repo());
        CliUserErrorsTest.assertOneLine(run, ExitCodes.FAILED, "could not connect to " + ROLE + "@127.0.0.1:",
                "no password was provided");
    }

    @Test
    void aFailureIsPrintedOnceByThePackagedCli() throws Exception {
        CliRun run = JarProcess.run(List.of(), Map.of("DATABASE_URL", db.server().libpqUrl("no_such_db")), "backup",
                "--repo", repo());
        CliUserErrorsTest.assertOneLine(run, ExitCodes.FAILED, "database \"no_such_db\" does not exist");
    }

    private Map<String, String> libpq() {
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", String.valueOf(db.server().port()));
        env.put("PGUSER", ROLE);
        env.put("PGDATABASE", db.name());
        return env;
    }

    /** A password file as libpq documents it: host:port:database:user:password, wildcards allowed, mode 0600. */
    private Path pgpass(Path file) throws Exception {
        Files.writeString(file, "# pgvault test\notherhost:5432:*:" + ROLE + ":wrong\n127.0.0.1:" + db.server().port()
                + ":*:" + ROLE + ":" + PASSWORD + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private String repo() throws Exception {
        return Files.createDirectories(dir.resolve("repo")).toString();
    }
}
