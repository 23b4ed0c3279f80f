package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.SharedS3;
import dev.pgvault.testing.TestDatabase;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The errors an operator can cause: each is one line on stderr, printed once, without a stack
 * trace or an exception's name, with the exit code of its kind (1 failed, 2 bad input).
 */
class CliUserErrorsTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    @BeforeAll
    static void awsCredentials() {
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    @BeforeEach
    void load() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 20);
        }
    }

    @Test
    void backingUpADatabaseThatDoesNotExist() {
        CliRun run = CliRun.withEnv(Map.of("DATABASE_URL", db.server().libpqUrl("no_such_db")), "backup", "--repo",
                repo.toString());
        assertOneLine(run, ExitCodes.FAILED, "could not connect to postgres@127.0.0.1:" + db.server().port()
                + "/no_such_db: FATAL: database \"no_such_db\" does not exist");
    }

    @Test
    void restoringIntoADatabaseThatDoesNotExist() {
        assertThat(CliRun.withEnv(Map.of("DATABASE_URL", db.libpqUrl()), "backup", "--repo", repo.toString())
                .exitCode()).isZero();
        CliRun run = CliRun.withEnv(Map.of("DATABASE_URL", db.server().libpqUrl("no_such_db")), "restore", "--repo",
                repo.toString(), "--backup", "latest");
        assertThat(run.out()).contains("restoring daily/auth-db-backup-"); // it said what it would do
        assertOneLine(run, ExitCodes.FAILED, "could not connect to postgres@127.0.0.1:" + db.server().port()
                + "/no_such_db: FATAL: database \"no_such_db\" does not exist");
    }

    @Test
    void aWrongPassword() {
        String url = "postgresql://nobody:hunter2@127.0.0.1:" + db.server().port() + "/" + db.name();
        CliRun run = CliRun.withEnv(Map.of("DATABASE_URL", url), "backup", "--repo", repo.toString());
        assertOneLine(run, ExitCodes.FAILED, "could not connect to nobody@127.0.0.1:" + db.server().port() + "/"
                + db.name() + ": FATAL: password authentication failed for user \"nobody\"");
        assertThat(run.out() + run.err()).doesNotContain("hunter2");
    }

    @Test
    void anUnreachableServer() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        CliRun run = CliRun.withEnv(Map.of("PGHOST", "127.0.0.1", "PGPORT", String.valueOf(closed), "PGUSER", "postgres",
                "PGDATABASE", "auth"), "backup", "--repo", repo.toString());
        assertOneLine(run, ExitCodes.FAILED, "could not connect to postgres@127.0.0.1:" + closed
                + "/auth: nothing accepts connections at 127.0.0.1:" + closed);
    }

    @Test
    void aRepositoryDirectoryThatDoesNotExist() {
        Path missing = repo.resolve("not-there");
        for (String[] args : new String[][] {
                {"list", "--repo", missing.toString()},
                {"backup", "--repo", missing.toString(), "--database-url", db.libpqUrl()},
                {"restore", "--repo", missing.toString(), "--backup", "latest", "--database-url", db.libpqUrl()}}) {
            CliRun run = CliRun.of(args);
            assertOneLine(run, ExitCodes.USAGE, "no repository at " + missing + ": no such directory");
        }
        assertThat(missing).doesNotExist();
    }

    @Test
    void aBucketThatDoesNotExist() {
        CliRun run = CliRun.of("list", "--repo", "s3://no-such-bucket-pgvault/prod", "--s3-endpoint",
                SharedS3.endpoint().toString(), "--region", "us-east-1");
        assertOneLine(run, ExitCodes.USAGE, "no repository at s3://no-such-bucket-pgvault/prod: bucket"
                + " no-such-bucket-pgvault does not exist");
    }

    @Test
    void anUnknownBackupKey() {
        CliRun run = CliRun.of("restore", "--repo", repo.toString(), "--backup", "daily/auth-db-backup-2020-01-01.sql.gz",
                "--database-url", db.libpqUrl());
        assertOneLine(run, ExitCodes.USAGE, "no backup daily/auth-db-backup-2020-01-01.sql.gz in " + repo);
    }

    @Test
    void latestAmongSeveralDatabasesNeedsAName() {
        for (String name : new String[] {"billing-db", "auth-db"}) {
            assertThat(CliRun.of("backup", "--repo", repo.toString(), "--name", name, "--database-url", db.libpqUrl())
                    .exitCode()).isZero();
        }
        String target = db.newDatabase();
        CliRun run = CliRun.of("restore", "--repo", repo.toString(), "--backup", "latest", "--database-url",
                db.server().libpqUrl(target));
        assertOneLine(run, ExitCodes.USAGE, "holds backups of 2 databases (auth-db, billing-db); say which with --name");

        CliRun named = CliRun.of("restore", "--repo", repo.toString(), "--backup", "latest", "--name", "billing-db",
                "--database-url", db.server().libpqUrl(target));
        assertThat(named.exitCode()).as(named.toString()).isZero();
        assertThat(named.out()).contains("restoring daily/billing-db-backup-");
    }

    @Test
    void badFlags() {
        String url = db.libpqUrl();
        assertOneLine(CliRun.of("backup", "--repo", repo.toString(), "--database-url", url, "--frobnicate"),
                ExitCodes.USAGE, "Unknown option: '--frobnicate' (see 'pgvault backup --help')");
        assertOneLine(CliRun.of("restore", "--repo", repo.toString(), "--database-url", url), ExitCodes.USAGE,
                "--backup is required with --repo");
        assertOneLine(CliRun.of("restore", "--repo", repo.toString(), "--backup", "latest", "--clean",
                "--allow-non-empty", "--database-url", url), ExitCodes.USAGE, "--clean and --allow-non-empty exclude");
        assertOneLine(CliRun.of("restore", "--file", repo.resolve("x.sql").toString(), "--database-url", url),
                ExitCodes.USAGE, "--file " + repo.resolve("x.sql") + ": no such file");
        assertOneLine(CliRun.of("backup", "--repo", repo.toString(), "--database-url", url, "--compression-level", "12"),
                ExitCodes.USAGE, "--compression-level must be 1 to 9");
        assertOneLine(CliRun.of("backup", "--repo", repo.toString(), "--database-url", url, "--compression", "zstd",
                "--compression-level", "20"), ExitCodes.USAGE, "--compression-level must be 1 to 19 for zstd, got 20");
        assertOneLine(CliRun.of("backup", "--repo", repo.toString(), "--database-url", url, "--jobs", "0"),
                ExitCodes.USAGE, "--jobs must be 1 to 64, got 0");
        assertOneLine(CliRun.of("backup", "--repo", repo.toString(), "--database-url", url, "--compression", "lz4"),
                ExitCodes.USAGE, "--compression: unknown compression 'lz4'; known: [gzip, zstd]");
        assertOneLine(CliRun.of("backup", "--repo", repo.toString(), "--database-url", url, "--object-lock", "forever"),
                ExitCodes.USAGE, "--object-lock must be MODE:DAYS like governance:30");
        assertOneLine(CliRun.of("backup", "--repo", repo.toString(), "--database-url", url, "--object-lock",
                "governance:30"), ExitCodes.USAGE, "--object-lock applies to an S3 repository");
        assertOneLine(CliRun.of("backup", "--repo", repo.toString(), "--database-url", url, "--name", "Auth_DB"),
                ExitCodes.USAGE, "backup name 'Auth_DB' must be lower-case");
        assertOneLine(CliRun.of("backup", "--repo", repo.toString(), "--database-url", "mysql://root@db/x"),
                ExitCodes.USAGE, "--database-url must be a postgresql:// URL");
        assertOneLine(CliRun.of("backup", "--repo", repo.toString()), ExitCodes.USAGE, "which database?");
        assertOneLine(CliRun.of("backup", "--repo", repo.toString(), "--database-url-file", "/nonexistent/url"),
                ExitCodes.USAGE, "--database-url-file /nonexistent/url: no such file");
        assertThat(repo.toFile().list()).isEmpty();
    }

    @Test
    void debugAddsTheStackTrace() {
        CliRun run = CliRun.withEnv(Map.of("DATABASE_URL", db.server().libpqUrl("no_such_db")), "backup", "--repo",
                repo.toString(), "--debug");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.errLines().get(0)).startsWith("pgvault: could not connect to ").contains("does not exist");
        assertThat(run.err()).contains("DatabaseUnavailableException").contains("\tat dev.pgvault.");
        CliRun global = CliRun.of("--debug", "list", "--repo", repo.resolve("nope").toString());
        assertThat(global.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(global.err()).contains("InvalidRequestException").contains("\tat dev.pgvault.");
    }

    /** Exactly one line on stderr, with the texts given, and nothing that looks like a crash. */
    static void assertOneLine(CliRun run, int exitCode, String... texts) {
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(exitCode);
        assertThat(run.errLines()).as(run.toString()).hasSize(1);
        String line = run.errLines().get(0);
        assertThat(line).startsWith("pgvault: ");
        for (String text : texts) {
            assertThat(line).contains(text);
        }
        assertThat(run.err()).doesNotContain("Exception").doesNotContain("at dev.pgvault")
                .doesNotContain("unexpected failure").doesNotContain("internal error");
    }
}
