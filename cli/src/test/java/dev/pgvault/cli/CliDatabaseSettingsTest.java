package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.SharedPostgres;
import dev.pgvault.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the CLI connects: libpq's variables fill what the URL leaves out, a password stays out of
 * argv (and out of every line printed). Real connections as a role with a password (the test
 * server admits every role but its superuser by SCRAM only).
 */
class CliDatabaseSettingsTest {
    private static final String ROLE = "pgv_settings_" + ProcessHandle.current().pid();
    private static final String PASSWORD = "Sx7-not-in-any-output";

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    @BeforeAll
    static void role() throws Exception {
        try (Connection c = SharedPostgres.server().connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + ROLE + " LOGIN PASSWORD '" + PASSWORD + "'");
            s.execute("GRANT pg_read_all_data TO " + ROLE);
        }
    }

    @AfterAll
    static void dropRole() throws Exception {
        try (Connection c = SharedPostgres.server().connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP ROLE IF EXISTS " + ROLE);
        }
    }

    @BeforeEach
    void load() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 10);
        }
    }

    @Test
    void libpqVariablesAloneReachTheDatabase() {
        CliRun run = CliRun.withEnv(libpq(PASSWORD), "backup", "--repo", repo.toString());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("backed up " + ROLE + "@127.0.0.1:" + db.server().port() + "/" + db.name());
        assertThat(run.err()).isEmpty();
        assertNoPassword(run);
    }

    @Test
    void aWrongPgpasswordIsNamedWithoutShowingIt() {
        CliRun run = CliRun.withEnv(libpq("not-" + PASSWORD), "backup", "--repo", repo.toString());
        CliUserErrorsTest.assertOneLine(run, ExitCodes.FAILED,
                "FATAL: password authentication failed for user \"" + ROLE + "\"");
        assertThat(run.out() + run.err()).doesNotContain("not-" + PASSWORD);
    }

    @Test
    void aPartialUrlIsCompletedFromTheEnvironment() {
        Map<String, String> env = Map.of("PGUSER", ROLE, "PGPASSWORD", PASSWORD, "PGPORT",
                String.valueOf(db.server().port()));
        CliRun run = CliRun.withEnv(env, "backup", "--repo", repo.toString(), "--database-url",
                "postgresql://127.0.0.1/" + db.name());
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.err()).isEmpty(); // no password on the command line, no warning
        assertNoPassword(run);
    }

    @Test
    void aPasswordOnTheCommandLineGetsAWarningButNotFromTheEnvironmentOrAFile() throws Exception {
        String url = "postgresql://" + ROLE + ":" + PASSWORD + "@127.0.0.1:" + db.server().port() + "/" + db.name();

        CliRun argv = CliRun.of("backup", "--repo", repo.toString(), "--manual", "--database-url", url);
        assertThat(argv.exitCode()).as(argv.toString()).isZero();
        assertThat(argv.errLines()).containsExactly("pgvault: warning: the password in --database-url is visible to"
                + " other users of this machine (ps, /proc); use PGPASSWORD, ~/.pgpass or --database-url-file instead");
        assertNoPassword(argv);

        CliRun environment = CliRun.withEnv(Map.of("DATABASE_URL", url), "backup", "--repo", repo.toString(),
                "--manual", "--name", "env-db");
        assertThat(environment.exitCode()).as(environment.toString()).isZero();
        assertThat(environment.err()).isEmpty();
        assertNoPassword(environment);

        Path file = repo.resolveSibling(repo.getFileName() + "-url");
        Files.writeString(file, url + "\n# the first line is the URL\n");
        CliRun fromFile = CliRun.of("backup", "--repo", repo.toString(), "--manual", "--name", "file-db",
                "--database-url-file", file.toString());
        Files.delete(file);
        assertThat(fromFile.exitCode()).as(fromFile.toString()).isZero();
        assertThat(fromFile.err()).isEmpty();
        assertNoPassword(fromFile);
    }

    @Test
    void resolvesLikeLibpq() {
        Map<String, String> env = new HashMap<>(Map.of("PGHOST", "db.internal", "PGPORT", "6543", "PGUSER", "app",
                "PGPASSWORD", "pw", "PGDATABASE", "auth", "PGSSLMODE", "verify-full", "PGSSLROOTCERT", "/etc/rds-ca.pem"));
        ConnectionSettings.Resolved fromEnv = ConnectionSettings.resolve(null, "DATABASE_URL", env);
        DatabaseTarget target = fromEnv.target();
        assertThat(target.toString()).isEqualTo("app@db.internal:6543/auth");
        assertThat(target.parameters()).containsEntry("sslmode", "verify-full")
                .containsEntry("sslrootcert", "/etc/rds-ca.pem");
        assertThat(target.toLibpqUrlWithPassword()).contains("app:pw@");
        assertThat(fromEnv.urlHasPassword()).isFalse();

        // The URL's parts win; the variables fill the gaps.
        ConnectionSettings.Resolved url = ConnectionSettings.resolve(
                "postgresql://ops:secret@primary.example/billing?sslmode=require", "--database-url", env);
        assertThat(url.target().toString()).isEqualTo("ops@primary.example:6543/billing");
        assertThat(url.target().parameters()).containsEntry("sslmode", "require")
                .containsEntry("sslrootcert", "/etc/rds-ca.pem");
        assertThat(url.urlHasPassword()).isTrue();
        assertThat(url.target().toLibpqUrlWithPassword()).contains("ops:secret@");

        assertThat(ConnectionSettings.resolve("postgresql:///reports?host=10.0.0.7&port=5433", "x", Map.of())
                .target().toString()).isEqualTo(System.getProperty("user.name") + "@10.0.0.7:5433/reports");
        assertThat(ConnectionSettings.resolve("jdbc:postgresql://[::1]:5434/a?user=u", "x", Map.of()).target()
                .toString()).isEqualTo("u@[::1]:5434/a");
        // libpq's defaults: localhost, 5432, the OS user, a database named after the user
        String me = System.getProperty("user.name");
        assertThat(ConnectionSettings.resolve(null, "x", Map.of()).target().toString())
                .isEqualTo(me + "@localhost:5432/" + me);
        assertThat(ConnectionSettings.resolve("postgresql://u:p%40ss@h/d", "x", Map.of()).target()
                .toLibpqUrlWithPassword()).isEqualTo("postgresql://u:p%40ss@h:5432/d");

        assertThatThrownBy(() -> ConnectionSettings.resolve(null, "x", Map.of("PGHOST", "/var/run/postgresql")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PGHOST names a Unix socket directory");
        assertThatThrownBy(() -> ConnectionSettings.resolve(null, "x", Map.of("PGPORT", "five")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("PGPORT 'five' is not a TCP port");
        assertThatThrownBy(() -> ConnectionSettings.resolve("postgresql://u:pa%zzss@h/d", "--database-url", Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("--database-url ")
                .hasMessageNotContaining("pa%zzss");
        assertThatThrownBy(() -> ConnectionSettings.resolve("postgresql://u:pa ss@h/d", "--database-url", Map.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageNotContaining("pa ss");
    }

    private Map<String, String> libpq(String password) {
        return Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(db.server().port()), "PGUSER", ROLE,
                "PGPASSWORD", password, "PGDATABASE", db.name());
    }

    private static void assertNoPassword(CliRun run) {
        assertThat(run.out()).doesNotContain(PASSWORD);
        assertThat(run.err()).doesNotContain(PASSWORD);
    }
}
