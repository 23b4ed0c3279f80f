package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** pgvault erase configure / erase / erase report, and a CLI restore that applies the ledger; no subject printed. */
class CliEraseTest {
    static final String ERIN = "erin.erased@example.org";

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path dir;

    @Test
    void anErasureRecordedAfterABackupIsAppliedByTheRestoreAndReported() throws Exception {
        db.execute("""
                CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE NOT NULL);
                INSERT INTO users SELECT g, 'user' || g || '@example.org' FROM generate_series(1, 20) g;
                INSERT INTO users VALUES (21, 'erin.erased@example.org');
                """);
        Path repo = Files.createDirectory(dir.resolve("repo"));
        Path passphrase = Files.writeString(dir.resolve("pass"), "correct horse battery staple\n");
        Path sql = Files.writeString(dir.resolve("erasure.sql"), "DELETE FROM users WHERE email = :subject;\n");
        Path bad = Files.writeString(dir.resolve("bad.sql"), "TRUNCATE users;\n");
        CliRun backup = CliRun.of("backup", "--database-url", db.libpqUrl(), "--repo", repo.toString(),
                "--encryption", "openssl", "--passphrase-file", passphrase.toString());
        assertThat(backup.exitCode()).as(backup.toString()).isZero();

        CliRun early = CliRun.of("erase", "--repo", repo.toString(), "--subject", ERIN, "--reason", "#41");
        assertThat(early.exitCode()).as(early.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(early.err()).contains("erase configure");
        CliRun refused = CliRun.of("erase", "configure", "--repo", repo.toString(), "--sql", bad.toString());
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("only DELETE and UPDATE");
        CliRun configure = CliRun.of("erase", "configure", "--repo", repo.toString(), "--sql", sql.toString());
        assertThat(configure.exitCode()).as(configure.toString()).isZero();
        assertThat(configure.out()).contains("stored 1 erasure statement");

        CliRun erase = CliRun.withEnv(java.util.Map.of("USER", "dpo"), "erase", "--repo", repo.toString(),
                "--subject", ERIN, "--reason", "art. 17 request #41", "--encryption", "openssl",
                "--passphrase-file", passphrase.toString(), "--json");
        assertThat(erase.exitCode()).as(erase.toString()).isZero();
        assertThat(erase.out()).contains("\"status\":\"recorded\"").contains("gdpr/ledger/");
        assertThat(erase.err()).contains("encrypted, openssl").contains("1 backup in the repository now");

        String target = db.newDatabase();
        CliRun restore = CliRun.of("restore", "--repo", repo.toString(), "--backup", "latest",
                "--database-url", db.server().libpqUrl(target), "--passphrase-file", passphrase.toString());
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.out()).contains("erasure ledger: 1 entry applied by 1 statement: public.users 1 deleted");
        assertThat(db.queryLong(target, "SELECT count(*) FROM users")).isEqualTo(20);
        assertThat(db.queryLong(target, "SELECT count(*) FROM users WHERE email = 'erin.erased@example.org'")).isZero();

        String withoutKey = db.newDatabase();
        CliRun locked = CliRun.of("restore", "--repo", repo.toString(), "--backup", "latest",
                "--database-url", db.server().libpqUrl(withoutKey), "--passphrase-file",
                Files.writeString(dir.resolve("wrong"), "wrong passphrase\n").toString());
        assertThat(locked.exitCode()).as("a restore that cannot read the ledger does not commit").isNotZero();

        CliRun report = CliRun.of("erase", "report", "--repo", repo.toString());
        assertThat(report.exitCode()).as(report.toString()).isZero();
        assertThat(report.out()).contains("1 backup still holds the subject").contains("daily/auth-db-backup-")
                // The newest backup stands for this year too: under the default policy it stays seven years.
                .contains("expires not before " + (java.time.Year.now(java.time.ZoneOffset.UTC).getValue() + 7)
                        + "-01-01 (as yearly ");
        CliRun mine = CliRun.of("erase", "report", "--repo", repo.toString(), "--subject", ERIN,
                "--passphrase-file", passphrase.toString(), "--json");
        assertThat(mine.exitCode()).as(mine.toString()).isZero();
        assertThat(mine.out()).contains("\"erasures\":[{\"id\":").contains("\"expires\":\"not before ");
        CliRun nobody = CliRun.of("erase", "report", "--repo", repo.toString(), "--subject", "nobody@example.org",
                "--passphrase-file", passphrase.toString());
        assertThat(nobody.out()).contains("no erasure of that subject");

        for (CliRun run : new CliRun[] {erase, restore, locked, report, mine, nobody}) {
            assertThat(run.out() + run.err()).doesNotContain("erin");
        }
    }
}
