package dev.pgvault.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.BackupArchivedException;
import dev.pgvault.repository.ObjectStates.Retrieval;
import dev.pgvault.run.Cancellation;
import dev.pgvault.testing.MotoServer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.StorageClass;

/** Archived backups on moto_server: reading refuses, retrieval is requested once, then the object reads. */
class ArchiveRetrievalTest {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC);
    private static final String KEY = "daily/auth-db-backup-2026-01-31.sql.gz";
    private static S3Client s3;

    @BeforeAll
    static void connect() {
        s3 = S3Retries.configure(MOTO.clientBuilder()).build();
    }

    @AfterAll
    static void disconnect() {
        s3.close();
    }

    private static S3Store archived(StorageClass storageClass) {
        String bucket = MOTO.newBucket();
        s3.putObject(b -> b.bucket(bucket).key(KEY).storageClass(storageClass), RequestBody.fromString("dump"));
        return new S3Store(s3, bucket, "");
    }

    @Test
    void anArchivedBackupIsRequestedAndSaysWhenToTryAgain() throws Exception {
        S3Store store = archived(StorageClass.GLACIER);
        assertThat(store.objectStates().orElseThrow().state(KEY).orElseThrow().retrieval()).isEqualTo(Retrieval.ARCHIVED);
        assertThatThrownBy(() -> store.read(KEY)).isInstanceOf(BackupArchivedException.class)
                .hasMessageContaining("is archived").hasMessageContaining("request its retrieval");

        ArchiveRetrieval retrieval = new ArchiveRetrieval(store, ArchiveRetrieval.Speed.BULK, 2, CLOCK);
        assertThatThrownBy(() -> retrieval.ensureReadable(KEY)).isInstanceOf(BackupArchivedException.class)
                .hasMessageContaining("is in GLACIER: its retrieval was requested now at the Bulk speed")
                .hasMessageContaining("usually within 12 hours; try again after 2026-12-03T22:01:00Z")
                .satisfies(e -> assertThat(((BackupArchivedException) e).retryAfter())
                        .isEqualTo(Instant.parse("2026-12-03T22:01:00Z")));

        // moto finishes a retrieval at once: the next attempt reads.
        assertThat(store.objectStates().orElseThrow().state(KEY).orElseThrow().retrieval()).isEqualTo(Retrieval.RESTORED);
        retrieval.ensureReadable(KEY);
        assertThat(new String(store.read(KEY))).isEqualTo("dump");
    }

    @Test
    void deepArchiveHasNoExpeditedRetrievalSoStandardIsUsed() {
        S3Store store = archived(StorageClass.DEEP_ARCHIVE);
        assertThatThrownBy(() -> new ArchiveRetrieval(store, ArchiveRetrieval.Speed.EXPEDITED, 2, CLOCK).ensureReadable(KEY))
                .hasMessageContaining("requested now at the Standard speed (Expedited is not offered for DEEP_ARCHIVE)")
                .hasMessageContaining("usually within 12 hours");
    }

    @Test
    void waitingPollsUntilReadable() {
        S3Store store = archived(StorageClass.GLACIER);
        List<String> heard = new ArrayList<>();
        new ArchiveRetrieval(store, ArchiveRetrieval.Speed.STANDARD, 1, Clock.systemUTC())
                .awaitReadable(KEY, Duration.ofMillis(50), Cancellation.none(), heard::add);
        assertThat(heard).singleElement().asString().contains("retrieval was requested").endsWith("; waiting");
        assertThat(new String(store.read(KEY))).isEqualTo("dump");
    }

    @Test
    void standardObjectsAndDirectoriesAreReadableAsTheyAre(@TempDir Path dir) {
        S3Store store = archived(StorageClass.STANDARD);
        new ArchiveRetrieval(store, ArchiveRetrieval.Speed.STANDARD, 1, CLOCK).ensureReadable(KEY);
        DirectoryStore local = new DirectoryStore(dir);
        local.put(KEY, new byte[] {1});
        new ArchiveRetrieval(local, ArchiveRetrieval.Speed.STANDARD, 1, CLOCK).ensureReadable(KEY);
        assertThatThrownBy(() -> ArchiveRetrieval.Speed.parse("fast")).hasMessageContaining("expedited, standard or bulk");
    }
}
