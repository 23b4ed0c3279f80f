package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore trusts this machine's own signing key, keys it is given, and nothing from the
 * repository: a backup signed elsewhere needs `--trusted-key`, an unsigned one `--allow-unsigned`.
 */
class CliSignedBackupsTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    @TempDir
    Path elsewhere;

    @BeforeEach
    void load() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 30);
        }
    }

    /** The backup machine: its own configuration directory, so its own signing key. */
    private CliRun onTheBackupMachine(String... args) {
        return CliRun.withEnv(Map.of("XDG_CONFIG_HOME", elsewhere.toString()), args);
    }

    private CliRun restore(String... more) {
        String[] args = new String[6 + more.length];
        System.arraycopy(new String[] {"restore", "--repo", repo.toString(), "--backup", "latest", "--database-url"}, 0,
                args, 0, 6);
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[6] = db.server().libpqUrl(db.newDatabase());
        System.arraycopy(more, 0, all, 7, more.length);
        return CliRun.of(all);
    }

    @Test
    void aBackupSignedOnAnotherMachineNeedsItsPublicKey() throws Exception {
        CliRun backup = onTheBackupMachine("backup", "--database-url", db.libpqUrl(), "--repo", repo.toString());
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        assertThat(backup.err()).contains("created a manifest signing key in " + elsewhere.resolve("pgvault/signing"));

        CliRun untrusted = restore();
        assertThat(untrusted.exitCode()).as(untrusted.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(untrusted.errLines()).singleElement().asString().contains("is signed by sha256:")
                .contains("not among the keys this restore trusts").contains("--trusted-key");

        CliRun exported = onTheBackupMachine("key", "export");
        assertThat(exported.exitCode()).as(exported.toString()).isZero();
        assertThat(exported.out()).startsWith("-----BEGIN PUBLIC KEY-----");
        Path publicKey = repo.resolveSibling(repo.getFileName() + "-key.pem");
        Files.writeString(publicKey, exported.out());

        CliRun trusted = restore("--trusted-key", publicKey.toString());
        assertThat(trusted.exitCode()).as(trusted.toString()).isZero();
        assertThat(trusted.out()).contains("verified against the manifest");
    }

    @Test
    void anUnsignedBackupIsRefusedUnlessAllowedAndThenSaidLoudly() throws Exception {
        assertThat(CliRun.of("backup", "--database-url", db.libpqUrl(), "--repo", repo.toString()).exitCode()).isZero();
        String key = new dev.pgvault.repository.BackupCatalog(new DirectoryStore(repo)).list().get(0).key().key();
        Files.delete(repo.resolve(key + ".manifest.json.sig"));

        CliRun refused = restore();
        assertThat(refused.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(refused.errLines()).singleElement().asString().contains("is not signed").contains("--allow-unsigned");

        CliRun allowed = restore("--allow-unsigned");
        assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
        assertThat(allowed.err()).contains("WARNING").contains("not signed");
    }

    @Test
    void exportWithoutAKeySaysWhereItWouldBe() {
        CliRun run = CliRun.withEnv(Map.of("XDG_CONFIG_HOME", elsewhere.resolve("empty").toString()), "key", "export");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.errLines()).singleElement().asString().contains("no signing key in")
                .contains("creates one on first use");
    }
}
