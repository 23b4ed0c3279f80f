package dev.pgvault.archive.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import dev.pgvault.testing.TestSigning;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.Manifest;
import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.backup.RunOwner;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.archive.Compression;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.IntegrityException;
import dev.pgvault.errors.WrongKeyException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.restore.RestoreOptions;
import dev.pgvault.restore.RestoreService;
import dev.pgvault.restore.ScriptApplier;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.DataFingerprint;
import dev.pgvault.testing.PgTools;
import dev.pgvault.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Encrypted backups end to end: the backup service writes them, the real openssl and gpg open
 * them in the runbook's emergency pipeline (decrypt | gunzip | psql), and our restore refuses
 * wrong keys and damaged objects before committing anything.
 */
class EncryptedBackupRoundTripTest {
    private static final String PASSPHRASE = "correct horse battery staple";

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path dir;

    private DirectoryStore store;
    private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T02:00:00Z"), ZoneOffset.UTC);

    @BeforeEach
    void load() throws Exception {
        store = new DirectoryStore(dir.resolve("repo"));
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 120);
        }
    }

    private BackupOutcome backup(Encryptor encryptor) {
        return new BackupService(store, db::connect, BackupMetrics.NONE, clock, DumpOptions.defaults(), TestSigning.key())
                .run(new BackupRequest(BackupKind.DAILY, "auth-db", Compression.GZIP, 6, encryptor,
                        RunOwner.thisProcess(), false), DumpProgress.NONE);
    }

    private void restore(String key, String target, Decryptor decryptor) throws Exception {
        try (Connection c = db.server().connect(target)) {
            new RestoreService(store, clock, TestSigning.trust()).restore(key, c, target, RestoreOptions.defaults(), decryptor,
                    ScriptApplier.Progress.NONE);
        }
    }

    private void assertSameData(String target) throws Exception {
        try (Connection source = db.connect(); Connection copy = db.server().connect(target)) {
            assertThat(DataFingerprint.of(copy)).isEqualTo(DataFingerprint.of(source));
        }
    }

    private void assertEmpty(String target) {
        assertThat(db.queryLong(target, "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"))
                .isZero();
    }

    @Test
    void opensslBackupOpensWithOpensslGunzipAndPsql() throws Exception {
        Path keyFile = dir.resolve("backup.key");
        Files.writeString(keyFile, PASSPHRASE + "\n");
        BackupOutcome outcome = backup(Encryptors.openssl(Passphrase.fromFile(keyFile)));

        assertThat(outcome.key()).isEqualTo("daily/auth-db-backup-2026-11-24.sql.gz.enc");
        Manifest manifest = outcome.manifest();
        assertThat(manifest.encryption()).isInstanceOf(OpensslParameters.class);
        String manifestJson = Files.readString(dir.resolve("repo").resolve(outcome.key() + ".manifest.json"));
        assertThat(manifestJson).contains("\"mode\" : \"openssl\"").contains("600000").doesNotContain(PASSPHRASE);

        String target = db.newDatabase();
        Path object = dir.resolve("repo").resolve(outcome.key());
        PgTools.Result result = PgTools.run(List.of("bash", "-c", "set -o pipefail; openssl enc -d -aes-256-cbc"
                + " -pbkdf2 -iter 600000 -pass file:'" + keyFile + "' -in '" + object + "' | gunzip | '"
                + PgTools.forServer(db.server()).bin().resolve("psql") + "' -X -q -v ON_ERROR_STOP=1 -d '"
                + db.server().libpqUrl(target) + "'"));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertSameData(target);

        String viaPgvault = db.newDatabase();
        restore(outcome.key(), viaPgvault, Decryptors.openssl(Passphrase.fromFile(keyFile)));
        assertSameData(viaPgvault);
    }

    @Test
    void opensslWrongPassphraseAndDamageAreRefusedBeforeAnythingIsRestored() throws Exception {
        BackupOutcome outcome = backup(Encryptors.openssl(Passphrase.of(PASSPHRASE.toCharArray())));
        String target = db.newDatabase();

        assertThatThrownBy(() -> restore(outcome.key(), target, Decryptors.openssl(Passphrase.of("wrong".toCharArray()))))
                .isInstanceOf(WrongKeyException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(PASSPHRASE).doesNotContain("wrong"));
        assertThatThrownBy(() -> restore(outcome.key(), target, Decryptors.none()))
                .isInstanceOf(WrongKeyException.class)
                .hasMessageContaining("openssl");
        assertEmpty(target);

        Path object = dir.resolve("repo").resolve(outcome.key());
        byte[] original = Files.readAllBytes(object);
        for (int position : new int[] {20, original.length / 2, original.length - 1}) {
            byte[] damaged = original.clone();
            damaged[position] ^= 0x40;
            Files.write(object, damaged);
            assertThatThrownBy(() -> restore(outcome.key(), target,
                    Decryptors.openssl(Passphrase.of(PASSPHRASE.toCharArray()))))
                    .as("flip at %d", position)
                    .isInstanceOf(IntegrityException.class);
            assertEmpty(target);
        }
    }

    @Test
    void pgpBackupOpensWithGpgGunzipAndPsqlAndOnlyWithTheSecretKey() throws Exception {
        PgpTestKeys keys = PgpTestKeys.get();
        BackupOutcome outcome = backup(Encryptors.pgp(List.of(keys.alicePublicArmored, keys.bobPublicBinary)));

        assertThat(outcome.key()).isEqualTo("daily/auth-db-backup-2026-11-24.sql.gz.gpg");
        assertThat(outcome.manifest().encryption()).isInstanceOf(PgpParameters.class);

        Path object = dir.resolve("repo").resolve(outcome.key());
        Path plainGz = dir.resolve("backup.sql.gz");
        assertThat(keys.bobHome.decrypt(object, plainGz, null).exitCode()).isZero();
        String target = db.newDatabase();
        PgTools.Result result = PgTools.run(List.of("bash", "-c", "set -o pipefail; gunzip -c '" + plainGz + "' | '"
                + PgTools.forServer(db.server()).bin().resolve("psql") + "' -X -q -v ON_ERROR_STOP=1 -d '"
                + db.server().libpqUrl(target) + "'"));
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        assertSameData(target);

        String viaPgvault = db.newDatabase();
        restore(outcome.key(), viaPgvault, Decryptors.pgp(keys.aliceSecretArmored,
                PgpTestKeys.ALICE_KEY_PASSPHRASE.toCharArray()));
        assertSameData(viaPgvault);

        String refused = db.newDatabase();
        assertThatThrownBy(() -> restore(outcome.key(), refused, Decryptors.pgp(keys.carolSecretArmored, null)))
                .isInstanceOf(WrongKeyException.class);
        assertEmpty(refused);
        assertThat(new String(Files.readAllBytes(dir.resolve("repo").resolve(outcome.key() + ".manifest.json")),
                StandardCharsets.UTF_8)).contains("\"mode\" : \"pgp\"").doesNotContain("PRIVATE KEY");
    }
}
