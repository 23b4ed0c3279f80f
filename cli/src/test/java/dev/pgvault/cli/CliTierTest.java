package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.repository.ArtifactKey;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.repository.S3Store;
import dev.pgvault.testing.SharedS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pgvault tier}: dry-run table, --now previews, applying, the share limit, bad input. */
class CliTierTest {
    @TempDir
    Path repo;

    @org.junit.jupiter.api.BeforeAll
    static void awsCredentials() {
        // What an operator's environment provides; the S3 test server accepts any.
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    /** Dailies from {@code first} for {@code days} days. */
    private static List<String> dailies(BackupStore store, String name, LocalDate first, int days) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < days; i++) {
            String key = new BackupKey(BackupKind.DAILY, name, first.plusDays(i).atStartOfDay(), ".sql.gz").key();
            store.put(key, new byte[] {1, 2, 3});
            store.put(Sidecar.MANIFEST.keyFor(key), "{}".getBytes());
            keys.add(key);
        }
        return keys;
    }

    @Test
    void aDryRunPrintsThePlanAndChangesNothing() throws Exception {
        dailies(new DirectoryStore(repo), "auth-db", LocalDate.of(2026, 11, 1), 45);
        long before = Files.walk(repo).count();

        CliRun run = CliRun.of("tier", "--repo", repo.toString(), "--dry-run", "--now", "2026-12-15T06:00:00Z",
                "--max-delete-percent", "100");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("BACKUP", "PERIODS", "CLASS", "ACTION", "REASON")
                .containsPattern("daily/auth-db-backup-2026-11-02.sql.gz +- +- +delete +older than the daily window")
                .containsPattern("daily/auth-db-backup-2026-11-08.sql.gz +weekly 2026-W45 +STANDARD_IA +keep")
                .containsPattern("daily/auth-db-backup-2026-12-15.sql.gz +daily 2026-12-15, weekly 2026-W51, monthly"
                        + " 2026-12, yearly 2026 +STANDARD +keep")
                .contains("windows measured from 2026-12-15");
        assertThat(Files.walk(repo).count()).isEqualTo(before);
    }

    /** Configuration files of {@code namespace} from {@code first} for {@code days} days, each with its manifest. */
    private static List<String> configs(BackupStore store, String namespace, LocalDate first, int days) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < days; i++) {
            String key = new ArtifactKey(ArtifactKey.Form.NAMESPACE, namespace, first.plusDays(i), "").key();
            store.put(key, new byte[] {1});
            store.put(Sidecar.MANIFEST.keyFor(key), "{}".getBytes());
            keys.add(key);
        }
        return keys;
    }

    @Test
    void configAndCodeSeriesAreInTheDryRunAndExpiredByTheirOwnWindows() throws Exception {
        BackupStore store = new DirectoryStore(repo);
        dailies(store, "auth-db", LocalDate.of(2026, 12, 1), 15);
        List<String> config = configs(store, "shop", LocalDate.of(2026, 11, 1), 45);
        long before = Files.walk(repo).count();

        CliRun dry = CliRun.of("tier", "--repo", repo.toString(), "--dry-run", "--now", "2026-12-15T06:00:00Z",
                "--max-delete-percent", "100", "--config-days", "40");

        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(dry.out()).containsPattern("config/shop-config-2026-11-05.yaml.gz +- +- +delete")
                .containsPattern("config/shop-config-2026-11-06.yaml.gz +daily 2026-11-06 +STANDARD +keep")
                .contains("config/shop-config-*.yaml.gz: 40 kept (40 STANDARD), 5 to delete; windows measured from"
                        + " 2026-12-15");
        assertThat(Files.walk(repo).count()).isEqualTo(before);
    }

    @Test
    void applyingDeletesExpiredConfigFilesWithTheirManifestsUnderTheShareLimit() throws Exception {
        BackupStore store = new DirectoryStore(repo);
        LocalDate today = LocalDate.now(java.time.ZoneOffset.UTC);
        dailies(store, "auth-db", today.minusDays(9), 10);
        List<String> config = configs(store, "shop", today.minusDays(44), 45);
        List<String> other = configs(store, "billing", today.minusDays(100), 3);

        CliRun refused = CliRun.of("tier", "--repo", repo.toString(), "--json"); // 15 of 45 = 33% > 20%
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(config).allMatch(k -> Files.exists(repo.resolve(k)));

        CliRun applied = CliRun.of("tier", "--repo", repo.toString(), "--json", "--config-days", "40");

        assertThat(applied.exitCode()).as(applied.toString()).isZero();
        JsonNode series = new ObjectMapper().readTree(applied.out()).get("artifacts");
        assertThat(series).hasSize(2);
        JsonNode shop = series.get(1);
        assertThat(shop.get("series").asText()).isEqualTo("config/shop-config-*.yaml.gz");
        List<String> deleted = new ArrayList<>();
        shop.get("files").forEach(f -> {
            if (f.get("action").asText().equals("delete")) {
                assertThat(f.get("done").asText()).isEqualTo("deleted");
                deleted.add(f.get("key").asText());
            }
        });
        assertThat(deleted).containsExactlyElementsOf(config.subList(0, 5));
        for (String key : config) {
            assertThat(Files.exists(repo.resolve(key))).as(key).isEqualTo(!deleted.contains(key));
            assertThat(Files.exists(repo.resolve(Sidecar.MANIFEST.keyFor(key)))).isEqualTo(!deleted.contains(key));
        }
        assertThat(other).allMatch(k -> Files.exists(repo.resolve(k))); // three files: all of the newest seven
    }

    @Test
    void aPreviewYearsAheadDeletesNothingMoreThanToday() {
        dailies(new DirectoryStore(repo), "auth-db", LocalDate.of(2026, 11, 1), 45);
        CliRun today = CliRun.of("tier", "--repo", repo.toString(), "--dry-run", "--now", "2026-12-15", "--json");
        CliRun later = CliRun.of("tier", "--repo", repo.toString(), "--dry-run", "--now", "2035-01-01", "--json");
        assertThat(today.out()).contains("\"windowsFrom\":\"2026-12-15\"");
        assertThat(later.out()).isEqualTo(today.out());
    }

    @Test
    void applyingDeletesAsPlannedAndTheJsonSaysWhatWasDone() throws Exception {
        BackupStore store = new DirectoryStore(repo);
        List<String> keys = dailies(store, "auth-db", LocalDate.now().minusDays(39), 40);

        CliRun run = CliRun.of("tier", "--repo", repo.toString(), "--json", "--max-delete-percent", "100");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        JsonNode doc = new ObjectMapper().readTree(run.out());
        assertThat(doc.get("backupName").asText()).isEqualTo("auth-db");
        List<String> deleted = new ArrayList<>();
        doc.get("backups").forEach(b -> {
            if (b.get("action").asText().equals("delete")) {
                assertThat(b.get("done").asText()).isEqualTo("deleted");
                deleted.add(b.get("key").asText());
            }
        });
        assertThat(deleted).isNotEmpty();
        for (String key : keys) {
            assertThat(Files.exists(repo.resolve(key))).as(key).isEqualTo(!deleted.contains(key));
            assertThat(Files.exists(repo.resolve(Sidecar.MANIFEST.keyFor(key)))).isEqualTo(!deleted.contains(key));
        }
        CliRun again = CliRun.of("tier", "--repo", repo.toString(), "--max-delete-percent", "100");
        assertThat(again.out() + again.err()).contains("0 deleted, 0 tagged, 0 lock extended");
    }

    @Test
    void overTheShareLimitNothingIsDeletedAndTheExitCodeSaysSo() throws Exception {
        BackupStore store = new DirectoryStore(repo);
        dailies(store, "auth-db", LocalDate.now().minusDays(59), 60);
        long before = Files.walk(repo).count();

        CliRun run = CliRun.of("tier", "--repo", repo.toString(), "--daily-days", "7", "--weekly-weeks", "0",
                "--monthly-months", "0", "--yearly-years", "0");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.out() + run.err()).contains("REFUSED: the plan would delete 53 of the 60 backups of auth-db");
        assertThat(Files.walk(repo).count()).isEqualTo(before);
    }

    @Test
    void againstS3TheTierIsATag() {
        String bucket = SharedS3.newBucket();
        BackupStore store = new S3Store(SharedS3.client(), bucket, "prod");
        List<String> keys = dailies(store, "auth-db", LocalDate.now().minusDays(44), 45);
        CliRun run = CliRun.of("tier", "--repo", "s3://" + bucket + "/prod", "--s3-endpoint",
                SharedS3.endpoint().toString(), "--region", "us-east-1", "--max-delete-percent", "100");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out() + run.err()).contains("tagged");
        assertThat(store.objectStates().orElseThrow().state(keys.get(44)).orElseThrow().tags())
                .containsEntry("pgvault-tier", "STANDARD");
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsRead() {
        assertThat(CliRun.of("tier", "--repo", repo.toString(), "--now", "2030-01-01").err())
                .contains("--now previews a plan: it needs --dry-run");
        assertThat(CliRun.of("tier", "--repo", repo.toString(), "--dry-run", "--now", "tomorrow").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("tier", "--repo", repo.toString(), "--max-delete-percent", "0").err())
                .contains("--max-delete-percent must be between 1 and 100");
        assertThat(CliRun.of("tier", "--repo", repo.toString(), "--daily-days", "0").err())
                .contains("daily days must be at least 1");
        dailies(new DirectoryStore(repo), "auth-db", LocalDate.of(2026, 1, 1), 2);
        dailies(new DirectoryStore(repo), "billing", LocalDate.of(2026, 1, 1), 2);
        CliRun two = CliRun.of("tier", "--repo", repo.toString(), "--dry-run");
        assertThat(two.exitCode()).isEqualTo(2);
        assertThat(two.err()).contains("--name is needed").contains("auth-db, billing");
    }
}
