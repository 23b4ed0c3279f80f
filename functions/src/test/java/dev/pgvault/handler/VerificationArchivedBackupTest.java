package dev.pgvault.handler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.config.AwsClients;
import dev.pgvault.config.Environment;
import dev.pgvault.config.VerificationConfig;
import dev.pgvault.metrics.VerificationMetrics;
import dev.pgvault.notify.HttpDelivery;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.repository.ObjectStates.Retrieval;
import dev.pgvault.repository.S3Retries;
import dev.pgvault.repository.S3Store;
import dev.pgvault.testing.Events;
import dev.pgvault.testing.MotoServer;
import dev.pgvault.testing.TestContext;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.StorageClass;

/**
 * The verification function asked for a backup that is in Glacier (moto_server): it requests the
 * retrieval at the configured speed and answers when to invoke again, before any secret or key is read.
 */
class VerificationArchivedBackupTest {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    @Test
    void anArchivedBackupNamedByKeyIsRetrievedAndTheAnswerSaysWhenToComeBack() {
        String key = String.valueOf(Events.load("verify-backup.json").get("backup"));
        String bucket = MOTO.newBucket();
        try (S3Client s3 = S3Retries.configure(MOTO.clientBuilder()).build()) {
            s3.putObject(b -> b.bucket(bucket).key(key).storageClass(StorageClass.GLACIER), RequestBody.fromString("dump"));
            s3.putObject(b -> b.bucket(bucket).key(Sidecar.MANIFEST.keyFor(key)), RequestBody.fromString("{}"));
            Map<String, String> env = new HashMap<>();
            env.put(VerificationConfig.BUCKET, bucket);
            env.put(VerificationConfig.BACKUP_NAME, "auth-db");
            env.put(VerificationConfig.SIGNING_KEY, "arn:aws:kms:eu-west-1:123456789012:key/never-read");
            env.put(VerificationConfig.SCRATCH_SECRET, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:never-AbCdEf");
            env.put(VerificationConfig.RETRIEVAL_TIER, "bulk");
            VerificationHandler handler = new VerificationHandler(new Environment(env),
                    () -> new AwsClients(s3, null, null, null), () -> null, VerificationMetrics.NONE,
                    Clock.fixed(Instant.parse("2026-12-03T10:00:00Z"), ZoneOffset.UTC), HttpDelivery.standard());

            Map<String, Object> answer = handler.handleRequest(Events.load("verify-backup.json"),
                    new TestContext("pgvault-verify", 900_000));

            assertThat(answer).containsEntry("status", "retrieval_requested").containsEntry("key", key)
                    .containsEntry("retryAfter", "2026-12-03T22:01:00Z");
            assertThat(answer.get("details").toString()).contains("is in GLACIER: its retrieval was requested now at the Bulk speed");
            assertThat(new S3Store(s3, bucket, "").objectStates().orElseThrow().state(key).orElseThrow().retrieval())
                    .isEqualTo(Retrieval.RESTORED); // moto retrieves at once
        }
    }
}
