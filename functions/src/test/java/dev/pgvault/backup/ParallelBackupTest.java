package dev.pgvault.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.Compression;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.BackupFailedException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.DataFingerprint;
import dev.pgvault.testing.PgTools;
import dev.pgvault.testing.TestDatabase;
import dev.pgvault.testing.TestSigning;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Backups whose table data several connections read: one gunzip-able object, or nothing at all. */
class ParallelBackupTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-24T02:00:00Z"), ZoneOffset.UTC);
    private static final DumpOptions PARALLEL = DumpOptions.defaults().withJobs(3).withChunkBytes(64 << 10);

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    @BeforeEach
    void load() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 3000);
        }
    }

    private BackupOutcome backUp(BackupService.ConnectionSource connections, DumpOptions options) {
        return backUp(connections, options, repo);
    }

    private BackupOutcome backUp(BackupService.ConnectionSource connections, DumpOptions options, Path repository) {
        BackupRequest request = new BackupRequest(BackupKind.DAILY, "auth-db", Compression.GZIP, 6, Encryptors.none(),
                RunOwner.thisProcess(), false);
        return new BackupService(new DirectoryStore(repository), connections, BackupMetrics.NONE, CLOCK, options,
                TestSigning.key()).run(request, DumpProgress.NONE);
    }

    @Test
    void parallelBackupHasTheSerialManifestAndRestoresWithGunzipAndPsql(@TempDir Path serialRepo) throws Exception {
        BackupOutcome parallel = backUp(db::connect, PARALLEL);
        BackupOutcome serial = backUp(db::connect, DumpOptions.defaults(), serialRepo);
        assertThat(parallel.manifest().tables()).isEqualTo(serial.manifest().tables());
        assertThat(parallel.manifest().rawBytes()).isEqualTo(serial.manifest().rawBytes());

        String target = db.newDatabase();
        Path psql = PgTools.forServer(db.server()).bin().resolve("psql");
        PgTools.Result restored = PgTools.run(List.of("bash", "-c", "set -o pipefail; gunzip -c '"
                + repo.resolve(parallel.key()) + "' | '" + psql + "' -X -q -v ON_ERROR_STOP=1 -d '"
                + db.server().libpqUrl(target) + "'"));
        assertThat(restored.exitCode()).as(restored.stderr()).isZero();
        try (Connection source = db.connect(); Connection copy = db.server().connect(target)) {
            assertThat(DataFingerprint.of(copy)).isEqualTo(DataFingerprint.of(source));
        }
    }

    @Test
    void aWorkerFailingMidwayLeavesNothingThatLooksLikeABackup() throws Exception {
        // The workers (not the dump's own connection) may read users but not refresh_tokens: whichever
        // worker reaches refresh_tokens fails, after users' rows were already written to the stream.
        db.execute("CREATE ROLE no_tokens_reader; GRANT USAGE ON SCHEMA public TO no_tokens_reader;"
                + " GRANT SELECT ON users TO no_tokens_reader");
        AtomicInteger opened = new AtomicInteger();
        BackupService.ConnectionSource workersCannotReadTokens = () -> {
            Connection c = db.connect();
            if (opened.incrementAndGet() > 1) {
                try (Statement st = c.createStatement()) {
                    st.execute("SET ROLE no_tokens_reader");
                }
            }
            return c;
        };
        assertThatThrownBy(() -> backUp(workersCannotReadTokens, PARALLEL))
                .isInstanceOf(BackupFailedException.class)
                .hasMessageContaining("permission denied")
                .hasMessageContaining("refresh_tokens");
        assertThat(new DirectoryStore(repo).list("")).isEmpty();
    }
}
