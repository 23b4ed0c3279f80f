package dev.pgvault.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.Compression;
import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.restore.RestoreOptions;
import dev.pgvault.restore.RestoreReport;
import dev.pgvault.restore.RestoreService;
import dev.pgvault.restore.ScriptApplier;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.DataFingerprint;
import dev.pgvault.testing.PgTools;
import dev.pgvault.testing.TestDatabase;
import dev.pgvault.testing.TestSigning;
import dev.pgvault.verify.VerificationStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** zstd backups: named .sql.zst, restored by the real zstd and psql, and by pgvault's own restore. */
class ZstdBackupTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T02:00:00Z"), ZoneOffset.UTC);

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    private DirectoryStore store;

    @BeforeEach
    void load() throws Exception {
        store = new DirectoryStore(repo);
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 300);
        }
    }

    private BackupOutcome backUp(int level) {
        BackupRequest request = new BackupRequest(BackupKind.DAILY, "auth-db", Compression.ZSTD, level,
                Encryptors.none(), RunOwner.thisProcess(), false);
        return new BackupService(store, db::connect, BackupMetrics.NONE, CLOCK, DumpOptions.defaults(),
                TestSigning.key()).run(request, DumpProgress.NONE);
    }

    @Test
    void zstdBackupIsNamedSqlZstAndRestoresWithZstdAndPsql() throws Exception {
        BackupOutcome outcome = backUp(Compression.ZSTD.defaultLevel());

        assertThat(outcome.key()).isEqualTo("daily/auth-db-backup-2026-11-24.sql.zst");
        Manifest manifest = outcome.manifest();
        assertThat(manifest.compression().algorithm()).isEqualTo("zstd");
        assertThat(manifest.compression().level()).isEqualTo(3);
        assertThat(manifest.storedBytes()).isEqualTo(Files.size(repo.resolve(outcome.key())));

        // The real zstd is the oracle: it checks the frame and its content checksum, then psql restores.
        PgTools.Result check = PgTools.run(List.of("zstd", "-t", "-q", repo.resolve(outcome.key()).toString()));
        assertThat(check.exitCode()).as(check.stderr()).isZero();
        String target = db.newDatabase();
        PgTools tools = PgTools.forServer(db.server());
        PgTools.Result restored = PgTools.run(List.of("bash", "-c", "set -o pipefail; zstd -d -c -q '"
                + repo.resolve(outcome.key()) + "' | '" + tools.bin().resolve("psql") + "' -X -q -v ON_ERROR_STOP=1 -d '"
                + db.server().libpqUrl(target) + "'"));
        assertThat(restored.exitCode()).as(restored.stderr()).isZero();
        try (Connection source = db.connect(); Connection copy = db.server().connect(target)) {
            assertThat(DataFingerprint.of(copy)).isEqualTo(DataFingerprint.of(source));
        }
    }

    @Test
    void pgvaultRestoresAZstdBackupVerifiedAgainstItsManifest() throws Exception {
        String key = backUp(9).key();
        String target = db.newDatabase();
        RestoreReport report;
        try (Connection c = db.server().connect(target)) {
            report = new RestoreService(store, CLOCK, TestSigning.trust()).restore(key, c, target,
                    RestoreOptions.defaults(), Decryptors.none(), ScriptApplier.Progress.NONE);
        }
        assertThat(report.verification().status()).isEqualTo(VerificationStatus.OK);
        try (Connection source = db.connect(); Connection copy = db.server().connect(target)) {
            assertThat(DataFingerprint.of(copy)).isEqualTo(DataFingerprint.of(source));
        }
    }

    @Test
    void decompressionReadsWhatTheZstdToolWritesIncludingConcatenatedFrames() throws Exception {
        Path file = repo.resolve("two-frames.zst");
        PgTools.Result written = PgTools.run(List.of("bash", "-c", "set -o pipefail; (printf 'first\\n' | zstd -q -c;"
                + " printf 'second\\n' | zstd -q -c) > '" + file + "'"));
        assertThat(written.exitCode()).as(written.stderr()).isZero();
        try (InputStream in = Compression.ZSTD.decompress(Files.newInputStream(file))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("first\nsecond\n");
        }
    }

    @Test
    void parallelAndSerialZstdBothRoundTrip() throws Exception {
        byte[] text = "COPY public.t (a) FROM stdin;\n1\n\\.\n".repeat(200_000).getBytes(StandardCharsets.UTF_8);
        for (int threads : new int[] {1, 2}) {
            ByteArrayOutputStream compressed = new ByteArrayOutputStream();
            try (OutputStream out = Compression.ZSTD.compress(compressed, 3, threads)) {
                out.write(text);
            }
            assertThat(compressed.size()).isLessThan(text.length / 20);
            try (InputStream in = Compression.ZSTD.decompress(new ByteArrayInputStream(compressed.toByteArray()))) {
                assertThat(in.readAllBytes()).isEqualTo(text);
            }
        }
    }

    @Test
    void levelOutsideTheAlgorithmsRangeIsRefusedNamingIt() {
        assertThatThrownBy(() -> Compression.ZSTD.checkLevel(20)).hasMessageContaining("zstd level must be 1..19");
        assertThatThrownBy(() -> Compression.GZIP.checkLevel(10)).hasMessageContaining("gzip level must be 1..9");
        assertThatThrownBy(() -> Compression.fromId("lz4")).hasMessageContaining("unknown compression 'lz4'");
    }
}
