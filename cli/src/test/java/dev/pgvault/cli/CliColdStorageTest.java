package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.ManifestCodec;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import java.time.Instant;
import java.util.List;
import dev.pgvault.testing.MotoServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * Backups in Glacier on moto_server: list shows class and retrieval state; restore and verify request the
 * retrieval and exit 75 saying when to try again, before connecting anywhere.
 */
class CliColdStorageTest {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();
    private static final String KEY = "daily/auth-db-backup-2026-01-31.sql.gz";

    @BeforeAll
    static void awsCredentials() {
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
    }

    private static String archivedRepository(StorageClass storageClass) {
        String bucket = MOTO.newBucket();
        try (S3Client s3 = MOTO.client()) {
            s3.putObject(b -> b.bucket(bucket).key(KEY).storageClass(storageClass), RequestBody.fromString("dump"));
            Instant at = Instant.parse("2026-01-31T02:00:00Z");
            byte[] manifest = ManifestCodec.encode(new Manifest(Manifest.FORMAT_VERSION, "pgvault test", KEY, "daily",
                    "auth-db", new Manifest.Database("auth", "15.18", 150018), null, at, null, at, at.plusSeconds(5),
                    5_000, 100, 10, "0".repeat(64), new Manifest.CompressionInfo("gzip", 6), null, "sha256-row-sum-v1",
                    List.of(), null, null, null, null));
            s3.putObject(b -> b.bucket(bucket).key(Sidecar.MANIFEST.keyFor(KEY)), RequestBody.fromBytes(manifest));
        }
        return "s3://" + bucket;
    }

    private static CliRun cli(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--s3-endpoint";
        all[args.length + 1] = MOTO.endpoint().toString();
        all[args.length + 2] = "--region";
        all[args.length + 3] = "us-east-1";
        return CliRun.of(all);
    }

    @Test
    void restoreRequestsTheRetrievalAndExits75ThenListShowsItRetrieved() throws Exception {
        String repo = archivedRepository(StorageClass.DEEP_ARCHIVE);
        assertThat(cli("list", "--repo", repo).out()).contains("DEEP_ARCHIVE (archived: restore requests it)");

        CliRun restore = cli("restore", "--repo", repo, "--backup", KEY, "--retrieval-tier", "bulk",
                "--database-url", "postgresql://nobody@127.0.0.1:1/app");

        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(75);
        assertThat(restore.err()).contains(KEY + " is in DEEP_ARCHIVE: its retrieval was requested now at the Bulk"
                + " speed, usually within 48 hours; try again after").contains("or wait with --wait");
        JsonNode listed = new ObjectMapper().readTree(cli("list", "--repo", repo, "--json").out()).get("backups").get(0);
        assertThat(listed.get("storageClass").asText()).isEqualTo("DEEP_ARCHIVE");
        assertThat(listed.get("retrieval").asText()).isEqualTo("restored"); // moto retrieves at once
    }

    @Test
    void verifyOfAnArchivedKeyExits75AndAWrongSpeedIsUsage() {
        String repo = archivedRepository(StorageClass.GLACIER);
        CliRun verify = cli("verify", "--repo", repo, "--backup", KEY, "--retrieval-tier", "expedited",
                "--scratch-url", "postgresql://nobody@127.0.0.1:1/postgres");
        assertThat(verify.exitCode()).as(verify.toString()).isEqualTo(75);
        assertThat(verify.err()).contains("is in GLACIER: its retrieval was requested now at the Expedited speed, usually"
                + " within 5 minutes");
        CliRun wrong = cli("restore", "--repo", repo, "--backup", KEY, "--retrieval-tier", "fast",
                "--database-url", "postgresql://nobody@127.0.0.1:1/app");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.err()).contains("--retrieval-tier: retrieval tier must be expedited, standard or bulk");
    }

    @Test
    void waitPollsUntilTheBackupIsReadableAndGoesOn() {
        String repo = archivedRepository(StorageClass.GLACIER);
        CliRun restore = cli("restore", "--repo", repo, "--backup", KEY, "--wait", "--wait-interval", "1",
                "--database-url", "postgresql://nobody@127.0.0.1:1/app");
        // Retrieved, it goes on to the manifest, which this fixture has not signed: refused as unsigned, not 75.
        assertThat(restore.exitCode()).as(restore.toString()).isNotEqualTo(75);
        assertThat(restore.out()).contains("retrieval was requested").contains("; waiting");
        assertThat(restore.err()).contains("is not signed");
    }
}
