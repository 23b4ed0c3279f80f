package dev.pgvault.backup;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import dev.pgvault.testing.TestSigning;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.BackupFailedException;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.S3Store;
import dev.pgvault.run.Cancellation;
import dev.pgvault.run.GuardedRun;
import dev.pgvault.testing.RecordingMetrics;
import dev.pgvault.testing.SharedS3;
import dev.pgvault.testing.TestDatabase;
import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 failing in the middle of an upload, injected at the HTTP level: WireMock proxies every
 * request to the real S3 protocol server, except the second part's upload, whose connection it
 * resets (every retry too). The backup must fail clearly and leave no object, no manifest and
 * no open multipart upload behind.
 */
class S3UploadFailureTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    private WireMockServer proxy;
    private String bucket;

    @BeforeEach
    void setUp() throws Exception {
        URI s3 = SharedS3.endpoint();
        bucket = SharedS3.newBucket();
        proxy = new WireMockServer(wireMockConfig().dynamicPort());
        proxy.start();
        proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(s3.toString())));
        proxy.stubFor(put(urlPathMatching("/" + bucket + "/.*")).withQueryParam("partNumber", equalTo("2"))
                .atPriority(1).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        // ~20 MB of incompressible data: more than two 8 MiB parts after gzip.
        db.execute("CREATE TABLE blobs (id int PRIMARY KEY, data bytea)");
        SecureRandom random = new SecureRandom();
        try (Connection c = db.connect();
                PreparedStatement insert = c.prepareStatement("INSERT INTO blobs VALUES (?, ?)")) {
            for (int i = 0; i < 20; i++) {
                byte[] data = new byte[1 << 20];
                random.nextBytes(data);
                insert.setInt(1, i);
                insert.setBytes(2, data);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    @AfterEach
    void tearDown() {
        proxy.stop();
    }

    @Test
    void failedPartUploadLeavesNothingBehind() {
        RecordingMetrics metrics = new RecordingMetrics();
        try (S3Client throughProxy = SharedS3.client(URI.create(proxy.baseUrl()))) {
            S3Store store = new S3Store(throughProxy, bucket, "prod");
            BackupService service = new BackupService(store, db::connect, metrics,
                    Clock.fixed(Instant.parse("2026-11-24T02:00:00Z"), ZoneOffset.UTC), DumpOptions.defaults(), TestSigning.key());

            assertThatThrownBy(() -> new GuardedRun(metrics, Clock.systemUTC()).run(new Cancellation(), scope -> {
                scope.kind("daily");
                return service.run(BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 1), DumpProgress.NONE,
                        scope.cancellation());
            }))
                    .isInstanceOf(BackupFailedException.class)
                    .hasMessageContaining("s3://" + bucket + "/prod")
                    .hasMessageContaining("daily/auth-db-backup-2026-11-24.sql.gz")
                    .hasMessageContaining("nothing was stored");
        }
        try (S3Client direct = SharedS3.client()) {
            assertThat(direct.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
            assertThat(direct.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
        }
        assertThat(metrics.events).containsExactly("failed daily Storage");
        // The second part was tried (and retried) and never got through.
        assertThat(proxy.findAll(com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(
                urlPathMatching("/" + bucket + "/.*")).withQueryParam("partNumber", equalTo("2")))).isNotEmpty();
    }
}
