package dev.pgvault.backup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.code.GitSource;
import dev.pgvault.repository.ArtifactKey;
import dev.pgvault.repository.ObjectLock;
import dev.pgvault.repository.S3Retries;
import dev.pgvault.repository.S3Store;
import dev.pgvault.run.Cancellation;
import dev.pgvault.testing.MotoServer;
import dev.pgvault.testing.SourceRepositories;
import dev.pgvault.testing.TestSigning;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;

/**
 * Code (and so configuration) backups under S3 Object Lock on moto_server, which enforces it: the
 * files, manifests and signatures are written with their retain-until date, the run's lock file
 * without one (it is deleted at the run's end).
 */
class UploadObjectLockTest {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    @TempDir
    Path dir;

    @Test
    void filesManifestsAndSignaturesAreRetainedAndTheLockIsNot() throws Exception {
        List<SdkHttpRequest> sent = new CopyOnWriteArrayList<>();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String bucket = MOTO.newObjectLockBucket();
        try (S3Client s3 = S3Retries.configure(MOTO.clientBuilder().overrideConfiguration(o -> o.addExecutionInterceptor(
                new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        sent.add(context.httpRequest());
                    }
                }))).build()) {
            S3Store store = new S3Store(s3, bucket, "", ObjectLock.days(ObjectLock.Mode.GOVERNANCE, 90));
            Path source = SourceRepositories.applicationRepository(dir.resolve("auth-service"));
            List<UploadOutcome> outcomes = new CodeBackupService(new ArtifactWriter(store, TestSigning.key(),
                    Clock.fixed(now, ZoneOffset.UTC), LeaseTimes.DEFAULT)).run(new CodeBackupRequest(
                    new GitSource(source.toUri().toString(), null, null), "auth-service", Encryptors.none(), 6, "test",
                    Files.createDirectory(dir.resolve("scratch"))), Cancellation.none());
            assertThat(outcomes).allMatch(UploadOutcome::written);

            Instant earliest = now.plus(Duration.ofDays(90)).minusSeconds(1);
            for (UploadOutcome outcome : outcomes) {
                ArtifactKey key = ArtifactKey.parse(outcome.key()).orElseThrow();
                for (String sidecar : List.of(key.manifestKey(), key.signatureKey())) {
                    var head = s3.headObject(b -> b.bucket(bucket).key(sidecar));
                    assertThat(head.objectLockMode()).as(sidecar).isEqualTo(ObjectLockMode.GOVERNANCE);
                    assertThat(head.objectLockRetainUntilDate()).as(sidecar)
                            .isBetween(earliest, Instant.now().plus(Duration.ofDays(90)).plusSeconds(1));
                }
                // The file itself goes up as a multipart upload started with its retention (moto drops it there).
                assertThat(sent).filteredOn(r -> r.method() == SdkHttpMethod.POST
                                && r.encodedPath().endsWith("/" + key.key()) && r.rawQueryParameters().containsKey("uploads"))
                        .singleElement().satisfies(start ->
                                assertThat(start.firstMatchingHeader("x-amz-object-lock-mode")).contains("GOVERNANCE"));
                assertThat(sent).filteredOn(r -> r.method() == SdkHttpMethod.PUT && r.encodedPath().endsWith("/" + key.lockKey()))
                        .isNotEmpty().allSatisfy(put -> assertThat(put.firstMatchingHeader("x-amz-object-lock-mode")).isEmpty());
            }
        }
    }
}
