package dev.pgvault.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.ManifestCodec;
import dev.pgvault.archive.signing.LocalSigningKey;
import dev.pgvault.archive.signing.TrustedKeys;
import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.TamperedBackupException;
import dev.pgvault.errors.UnsignedBackupException;
import dev.pgvault.errors.UntrustedSignatureException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.TestDatabase;
import dev.pgvault.testing.TestSigning;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** What a forger who can write to the repository, but not sign, can and cannot get past. */
class SignedManifestsTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    @TempDir
    Path otherKeys;

    private DirectoryStore store;
    private final TrustedKeys trusted = TrustedKeys.of(List.of(TestSigning.key().publicKey()));
    private final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        store = new DirectoryStore(repo);
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 20);
        }
    }

    private String backup(String at, BackupKind kind) {
        BackupOutcome outcome = new BackupService(store, db::connect, BackupMetrics.NONE,
                Clock.fixed(Instant.parse(at), ZoneOffset.UTC), DumpOptions.defaults(), TestSigning.key())
                .run(BackupRequest.unencrypted(kind, "auth-db", 6), DumpProgress.NONE);
        return outcome.key();
    }

    private SignedManifests.Checked read(String key) {
        return SignedManifests.read(store, key, trusted, false, warnings::add);
    }

    @Test
    void aGenuineBackupPasses() {
        String key = backup("2026-11-24T02:00:00Z", BackupKind.DAILY);
        SignedManifests.Checked checked = read(key);
        assertThat(checked.signed()).isTrue();
        assertThat(checked.manifest().signing().keyId()).isEqualTo(TestSigning.key().keyId());
    }

    @Test
    void aManifestRecomputedWithoutTheKeyIsRefused() {
        String key = backup("2026-11-24T02:00:00Z", BackupKind.DAILY);
        // The forger replaces the script and writes a manifest that matches it, keeping the old signature.
        store.put(key, "CREATE ROLE evil SUPERUSER;".getBytes(StandardCharsets.UTF_8));
        Manifest genuine = ManifestCodec.decode(store.read(key + ".manifest.json"), "m");
        Manifest forged = new Manifest(genuine.formatVersion(), genuine.tool(), genuine.key(), genuine.kind(),
                genuine.backupName(), genuine.database(), genuine.source(), genuine.snapshotTime(), null,
                genuine.startedAt(), genuine.finishedAt(), genuine.durationMillis(), 27, 27, "0".repeat(64),
                genuine.compression(), genuine.encryption(), genuine.contentHashAlgorithm(), genuine.tables(),
                genuine.largeObjects(), genuine.signing(), genuine.globals(), genuine.relations());
        store.put(key + ".manifest.json", ManifestCodec.encode(forged));

        assertThatThrownBy(() -> read(key)).isInstanceOf(TamperedBackupException.class)
                .hasMessageContaining("signature does not verify");
    }

    @Test
    void aFlippedByteInTheManifestIsRefused() {
        String key = backup("2026-11-24T02:00:00Z", BackupKind.DAILY);
        byte[] manifest = store.read(key + ".manifest.json");
        manifest[manifest.length / 2] ^= 1;
        store.put(key + ".manifest.json", manifest);
        assertThatThrownBy(() -> read(key)).isInstanceOf(TamperedBackupException.class);
    }

    @Test
    void aGenuineManifestMovedOntoAnotherBackupIsRefused() {
        String monday = backup("2026-11-23T02:00:00Z", BackupKind.DAILY);
        String tuesday = backup("2026-11-24T02:00:00Z", BackupKind.DAILY);
        store.put(tuesday + ".manifest.json", store.read(monday + ".manifest.json"));
        store.put(tuesday + ".manifest.json.sig", store.read(monday + ".manifest.json.sig"));

        assertThatThrownBy(() -> read(tuesday)).isInstanceOf(TamperedBackupException.class)
                .hasMessageContaining("describes " + monday);
    }

    @Test
    void anUnsignedManifestIsRefusedUnlessAllowedAndThenSaidLoudly() {
        String key = backup("2026-11-24T02:00:00Z", BackupKind.DAILY);
        store.delete(key + ".manifest.json.sig");

        assertThatThrownBy(() -> read(key)).isInstanceOf(UnsignedBackupException.class)
                .hasMessageContaining("--allow-unsigned");
        assertThat(SignedManifests.read(store, key, trusted, true, warnings::add).signed()).isFalse();
        assertThat(warnings).singleElement().asString().startsWith("WARNING").contains("not signed");
    }

    @Test
    void allowingUnsignedDoesNotAllowABadSignature() {
        String key = backup("2026-11-24T02:00:00Z", BackupKind.DAILY);
        store.put(key + ".manifest.json.sig", new byte[] {48, 6, 2, 1, 1, 2, 1, 1});
        assertThatThrownBy(() -> SignedManifests.read(store, key, trusted, true, warnings::add))
                .isInstanceOf(TamperedBackupException.class);
    }

    @Test
    void aSignatureByAnotherKeyIsNotTrusted() {
        String key = backup("2026-11-24T02:00:00Z", BackupKind.DAILY);
        LocalSigningKey stranger = LocalSigningKey.loadOrCreate(otherKeys.resolve("signing"), () -> { });
        TrustedKeys onlyStranger = TrustedKeys.of(List.of(stranger.publicKey()));
        assertThatThrownBy(() -> SignedManifests.read(store, key, onlyStranger, false, warnings::add))
                .isInstanceOf(UntrustedSignatureException.class)
                .hasMessageContaining(TestSigning.key().keyId())
                .hasMessageContaining("--trusted-key");
    }

    @Test
    void opensslChecksTheSignatureWithThePublicKeyFile() throws Exception {
        String key = backup("2026-11-24T02:00:00Z", BackupKind.DAILY);
        Path publicKey = repo.resolve("pub.pem");
        java.nio.file.Files.writeString(publicKey,
                dev.pgvault.archive.signing.SigningKeys.publicPem(TestSigning.key().publicKey()));
        Process openssl = new ProcessBuilder("openssl", "dgst", "-sha256", "-verify", publicKey.toString(),
                "-signature", repo.resolve(key + ".manifest.json.sig").toString(),
                repo.resolve(key + ".manifest.json").toString()).redirectErrorStream(true).start();
        assertThat(new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip())
                .isEqualTo("Verified OK");
        assertThat(openssl.waitFor()).isZero();
    }
}
