package dev.pgvault.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.archive.Manifest;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.S3Retries;
import dev.pgvault.repository.S3Store;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.MotoServer;
import dev.pgvault.testing.RecordingMetrics;
import dev.pgvault.testing.TestDatabase;
import dev.pgvault.testing.TestSigning;
import java.security.MessageDigest;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Several runs of the same daily backup at once against the S3 protocol server that enforces
 * conditional writes (moto): one writes, the others stand down, and the manifest that is left
 * describes exactly the object beside it.
 */
class ConcurrentBackupsOnS3Test {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    private static S3Client s3;

    @BeforeAll
    static void connect() {
        s3 = S3Retries.configure(MOTO.clientBuilder()).build();
    }

    @AfterAll
    static void disconnect() {
        s3.close();
    }

    @Test
    void threeRunsAtOnceLeaveOneBackupWhoseManifestDescribesIt() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 2_000);
        }
        String bucket = MOTO.newBucket();
        RecordingMetrics metrics = new RecordingMetrics();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<BackupOutcome.Status> statuses = new ArrayList<>();
        try {
            List<Future<BackupOutcome>> runs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                runs.add(pool.submit(() -> new BackupService(new S3Store(s3, bucket, "prod"), db::connect, metrics,
                        Clock.fixed(Instant.parse("2026-11-24T02:00:00Z"), ZoneOffset.UTC), DumpOptions.defaults(),
                        TestSigning.key(), new LeaseTimes(Duration.ofSeconds(2), Duration.ofMillis(500)))
                        .run(BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 6), DumpProgress.NONE)));
            }
            for (Future<BackupOutcome> run : runs) {
                statuses.add(run.get().status());
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(statuses).containsOnlyOnce(BackupOutcome.Status.WRITTEN);
        String key = "daily/auth-db-backup-2026-11-24.sql.gz";
        S3Store store = new S3Store(s3, bucket, "prod");
        Manifest manifest = new BackupCatalog(store).manifest(key);
        byte[] object = store.read(key);
        assertThat(manifest.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(object)));
        assertThat(manifest.storedBytes()).isEqualTo(object.length);
        assertThat(store.stat(key + ".lock")).isEmpty();
        assertThat(store.listUnfinished("")).isEmpty();
        assertThat(metrics.events.stream().filter(e -> e.startsWith("succeeded"))).hasSize(1);
    }
}
