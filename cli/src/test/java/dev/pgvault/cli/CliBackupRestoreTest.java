package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.DataFingerprint;
import dev.pgvault.testing.PgTools;
import dev.pgvault.testing.SharedS3;
import dev.pgvault.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The runbook's commands, by name: backup, list, restore, against a directory and an S3 repository. */
class CliBackupRestoreTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    @BeforeAll
    static void awsCredentials() {
        // What an operator's environment provides; the S3 test server accepts any.
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    @BeforeEach
    void load() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 150);
        }
    }

    @Test
    void backupListRestoreThroughADirectoryRepository() throws Exception {
        CliRun backup = CliRun.of("backup", "--database-url", db.libpqUrl(), "--repo", repo.toString(), "--manual");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        assertThat(backup.out()).contains("backed up").contains("manual/auth-db-manual-").contains("2 tables");

        CliRun list = CliRun.of("list", "--repo", repo.toString());
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).contains("manual/auth-db-manual-").contains("never").contains("1 backup, ");

        String target = db.newDatabase();
        CliRun restore = CliRun.of("restore", "--repo", repo.toString(), "--backup", "latest",
                "--database-url", db.server().libpqUrl(target));
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.out()).contains("restored manual/auth-db-manual-").contains("verified against the manifest");
        try (Connection source = db.connect(); Connection copy = db.server().connect(target)) {
            assertThat(DataFingerprint.of(copy)).isEqualTo(DataFingerprint.of(source));
        }

        CliRun listed = CliRun.of("list", "--repo", repo.toString());
        assertThat(listed.out()).contains("ok ");

        CliRun again = CliRun.of("restore", "--repo", repo.toString(), "--backup", "latest",
                "--database-url", db.server().libpqUrl(target));
        assertThat(again.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(again.err()).contains("not empty").contains("--clean");
    }

    @Test
    void zstdBackupOnTwoConnectionsRestoresWithPgvaultAndWithZstdAndPsql() throws Exception {
        CliRun backup = CliRun.of("backup", "--database-url", db.libpqUrl(), "--repo", repo.toString(), "--manual",
                "--compression", "zstd", "--jobs", "2");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        assertThat(backup.out()).containsPattern("manual/auth-db-manual-[0-9-]+\\.sql\\.zst:");
        // three connections (the dump's and two workers'), one "connected to" line
        assertThat((backup.out() + backup.err()).split("connected to ", -1)).hasSize(2);

        String target = db.newDatabase();
        CliRun restore = CliRun.of("restore", "--repo", repo.toString(), "--backup", "latest",
                "--database-url", db.server().libpqUrl(target));
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.out()).contains("verified against the manifest");
        try (Connection source = db.connect(); Connection copy = db.server().connect(target)) {
            assertThat(DataFingerprint.of(copy)).isEqualTo(DataFingerprint.of(source));
        }

        // The object is an ordinary .sql.zst: zstd -d | psql restores it without pgvault.
        Path object;
        try (Stream<Path> files = Files.walk(repo)) {
            object = files.filter(p -> p.toString().endsWith(".sql.zst")).findFirst().orElseThrow();
        }
        String byTools = db.newDatabase();
        Path psql = PgTools.forServer(db.server()).bin().resolve("psql");
        PgTools.Result restored = PgTools.run(List.of("bash", "-c",
                "set -o pipefail; zstd -d -c -q '" + object + "' | '" + psql + "' -X -q -v ON_ERROR_STOP=1 -d '"
                        + db.server().libpqUrl(byTools) + "'"));
        assertThat(restored.exitCode()).as(restored.stderr()).isZero();
        try (Connection source = db.connect(); Connection copy = db.server().connect(byTools)) {
            assertThat(DataFingerprint.of(copy)).isEqualTo(DataFingerprint.of(source));
        }
    }

    @Test
    void backupAndRestoreThroughS3() throws Exception {
        String bucket = SharedS3.newBucket();
        String s3 = "s3://" + bucket + "/prod";
        String endpoint = SharedS3.endpoint().toString();
        CliRun backup = CliRun.of("backup", "--database-url", db.libpqUrl(), "--repo", s3, "--s3-endpoint", endpoint,
                "--region", "us-east-1");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        assertThat(backup.out()).contains(s3 + "/daily/auth-db-backup-");

        CliRun twice = CliRun.of("backup", "--database-url", db.libpqUrl(), "--repo", s3, "--s3-endpoint", endpoint,
                "--region", "us-east-1");
        assertThat(twice.exitCode()).isZero();
        assertThat(twice.out()).contains("already complete: " + s3 + "/daily/auth-db-backup-");

        String target = db.newDatabase();
        CliRun restore = CliRun.of("restore", "--repo", s3, "--s3-endpoint", endpoint, "--region", "us-east-1",
                "--backup", "latest", "--database-url", db.server().libpqUrl(target));
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(db.queryLong(target, "SELECT count(*) FROM users")).isEqualTo(150);
    }

    @Test
    void badInputGetsAClearErrorAndTheRightExitCode() {
        CliRun noRepo = CliRun.of("backup", "--database-url", db.libpqUrl());
        assertThat(noRepo.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(noRepo.err()).contains("--repo");

        CliRun badUrl = CliRun.of("backup", "--database-url", "mysql://root:hunter2@db/x", "--repo", repo.toString());
        assertThat(badUrl.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badUrl.err()).contains("postgresql://").doesNotContain("hunter2");

        CliRun wrongPassword = CliRun.of("backup", "--database-url",
                "postgresql://nobody:hunter2@127.0.0.1:" + db.server().port() + "/" + db.name(), "--repo", repo.toString());
        assertThat(wrongPassword.exitCode()).isEqualTo(1);
        assertThat(wrongPassword.err()).contains("nobody").doesNotContain("hunter2");
        assertThat(new dev.pgvault.repository.DirectoryStore(repo).list("")).isEmpty();

        CliRun missing = CliRun.of("restore", "--repo", repo.toString(), "--backup", "daily/auth-db-backup-2020-01-01.sql.gz",
                "--database-url", db.libpqUrl());
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(missing.err()).contains("no backup daily/auth-db-backup-2020-01-01.sql.gz");
    }

    @Test
    void versionAndHelp() {
        assertThat(CliRun.of("--version").out()).startsWith("pgvault 0.1.0");
        CliRun help = CliRun.of("--help");
        assertThat(help.out()).contains("backup").contains("restore").contains("list").contains("drill");
    }
}
