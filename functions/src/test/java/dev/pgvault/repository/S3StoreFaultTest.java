package dev.pgvault.repository;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.pgvault.errors.ObjectTooLargeException;
import dev.pgvault.errors.StorageException;
import dev.pgvault.testing.SharedS3;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3 in bad weather, injected at the HTTP level: WireMock proxies every request to the S3 protocol
 * server (S3Mock) except those a test breaks: a GET cut off midway, a completion whose answer
 * comes too late, parts answered 503.
 */
class S3StoreFaultTest {
    private static final String PREFIX = "prod";
    private static final Backoff FAST_READS = new Backoff(4, Duration.ofMillis(1), Duration.ofMillis(5));

    private WireMockServer proxy;
    private S3Client direct;
    private String bucket;

    @BeforeEach
    void setUp() {
        URI s3 = SharedS3.endpoint();
        bucket = SharedS3.newBucket();
        direct = SharedS3.client();
        proxy = new WireMockServer(wireMockConfig().dynamicPort());
        proxy.start();
        proxy.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().proxiedFrom(s3.toString())));
    }

    @AfterEach
    void tearDown() {
        proxy.stop();
        direct.close();
    }

    private String path(String key) {
        return "/" + bucket + "/" + PREFIX + "/" + key;
    }

    private S3Client throughProxy() {
        return SharedS3.client(URI.create(proxy.baseUrl()));
    }

    /** The first GET of {@code key} delivers {@code delivered} bytes of {@code content}, then the connection ends. */
    private void cutFirstGetShort(String key, byte[] content, int delivered) {
        String etag = direct.headObject(b -> b.bucket(bucket).key(PREFIX + "/" + key)).eTag();
        proxy.stubFor(get(urlPathEqualTo(path(key))).withHeader("Range", absent()).atPriority(1)
                .inScenario("read").whenScenarioStateIs(STARTED).willSetStateTo("cut")
                .willReturn(aResponse().withStatus(200)
                        .withHeader("ETag", etag)
                        .withHeader("Content-Type", "application/octet-stream")
                        .withHeader("Content-Length", Integer.toString(content.length))
                        .withBody(Arrays.copyOf(content, delivered))));
    }

    @Test
    void aReadCutOffMidwayResumesFromTheByteItReachedAndGetsEveryByte() throws Exception {
        byte[] content = BackupStoreContract.randomBytes(3 << 20);
        String key = "daily/auth-db-backup-2026-11-24.sql.gz";
        direct.putObject(b -> b.bucket(bucket).key(PREFIX + "/" + key), RequestBody.fromBytes(content));
        int delivered = 1_234_567;
        cutFirstGetShort(key, content, delivered);

        try (S3Client s3 = throughProxy()) {
            S3Store store = new S3Store(s3, bucket, PREFIX, PartSizing.standard(), FAST_READS);
            byte[] read;
            try (InputStream in = store.open(key)) {
                read = in.readAllBytes();
            }
            assertThat(read.length).isEqualTo(content.length);
            assertThat(BackupStoreContract.sha256(read)).isEqualTo(BackupStoreContract.sha256(content));
        }
        String etag = direct.headObject(b -> b.bucket(bucket).key(PREFIX + "/" + key)).eTag();
        proxy.verify(1, getRequestedFor(urlPathEqualTo(path(key))).withHeader("Range", absent()));
        proxy.verify(1, getRequestedFor(urlPathEqualTo(path(key)))
                .withHeader("Range", equalTo("bytes=" + delivered + "-"))
                .withHeader("If-Match", equalTo(etag)));
    }

    @Test
    void anObjectReplacedWhileBeingReadIsNeverStitchedTogether() throws Exception {
        byte[] content = BackupStoreContract.randomBytes(2 << 20);
        String key = "daily/auth-db-backup-2026-11-24.sql.gz";
        direct.putObject(b -> b.bucket(bucket).key(PREFIX + "/" + key), RequestBody.fromBytes(content));
        cutFirstGetShort(key, content, 100_000);

        try (S3Client s3 = throughProxy()) {
            S3Store store = new S3Store(s3, bucket, PREFIX, PartSizing.standard(), FAST_READS);
            try (InputStream in = store.open(key)) {
                assertThat(in.readNBytes(100_000)).isEqualTo(Arrays.copyOf(content, 100_000));
                direct.putObject(b -> b.bucket(bucket).key(PREFIX + "/" + key),
                        RequestBody.fromBytes(BackupStoreContract.randomBytes(2 << 20 | 1)));
                assertThatThrownBy(in::readAllBytes)
                        .isInstanceOf(StorageException.class)
                        .hasMessageContaining(key)
                        .hasMessageContaining("was replaced while it was being read (at byte 100000)");
            }
        }
    }

    @Test
    void aReadThatCannotGoOnFailsNamingTheKeyAndTheOffset() throws Exception {
        byte[] content = BackupStoreContract.randomBytes(1 << 20);
        String key = "daily/auth-db-backup-2026-11-24.sql.gz";
        direct.putObject(b -> b.bucket(bucket).key(PREFIX + "/" + key), RequestBody.fromBytes(content));
        cutFirstGetShort(key, content, 5_000);
        proxy.stubFor(get(urlPathEqualTo(path(key))).withHeader("Range", matching("bytes=.*")).atPriority(2)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        try (S3Client s3 = throughProxy()) {
            S3Store store = new S3Store(s3, bucket, PREFIX, PartSizing.standard(), FAST_READS);
            try (InputStream in = store.open(key)) {
                assertThatThrownBy(in::readAllBytes)
                        .isInstanceOf(StorageException.class)
                        .hasMessageContaining("could not read " + key + " in s3://" + bucket + "/prod")
                        .hasMessageContaining("broke at byte 5000 of " + content.length)
                        .hasMessageContaining("3 attempts")
                        .satisfies(e -> assertThat(((StorageException) e).retryable()).isTrue());
            }
        }
    }

    /**
     * The completion succeeds but its answer comes too late; the SDK's retry is answered 412
     * (the object exists now). The object is ours: the commit succeeds, nothing is deleted.
     */
    @Test
    void aCompletionWhoseAnswerWasLostIsRecognisedAsOurs() throws Exception {
        String key = "daily/auth-db-backup-2026-11-24.sql.gz";
        proxy.stubFor(post(urlPathEqualTo(path(key))).withQueryParam("uploadId", matching(".+")).atPriority(1)
                .inScenario("complete").whenScenarioStateIs(STARTED).willSetStateTo("answered late")
                .willReturn(aResponse().proxiedFrom(SharedS3.endpoint().toString()).withFixedDelay(3_000)));
        byte[] content = BackupStoreContract.randomBytes(9 << 20);

        try (S3Client s3 = SharedS3.clientBuilder(URI.create(proxy.baseUrl()))
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofSeconds(1))).build()) {
            S3Store store = new S3Store(s3, bucket, PREFIX);
            try (PendingObject pending = store.create(key, -1)) {
                pending.write(content);
                StoredObject stored = pending.commit();
                assertThat(stored.size()).isEqualTo(content.length);
            }
        }
        proxy.verify(2, postRequestedFor(urlPathEqualTo(path(key))).withQueryParam("uploadId", matching(".+")));
        byte[] stored = direct.getObjectAsBytes(b -> b.bucket(bucket).key(PREFIX + "/" + key)).asByteArray();
        assertThat(BackupStoreContract.sha256(stored)).isEqualTo(BackupStoreContract.sha256(content));
        assertThat(direct.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    /**
     * As above, for a role that may not read backup objects (least privilege: HEAD answers 403). The
     * object under the key cannot be recognised as ours without reading its metadata, so the commit
     * fails, saying so, and leaves the object: it is never reported stored on a guess, nor deleted.
     */
    @Test
    void aCompletionWhoseAnswerWasLostCannotBeClaimedWithoutReadingTheObject() throws Exception {
        String key = "daily/auth-db-backup-2026-11-24.sql.gz";
        proxy.stubFor(post(urlPathEqualTo(path(key))).withQueryParam("uploadId", matching(".+")).atPriority(1)
                .inScenario("complete").whenScenarioStateIs(STARTED).willSetStateTo("answered late")
                .willReturn(aResponse().proxiedFrom(SharedS3.endpoint().toString()).withFixedDelay(3_000)));
        proxy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.request("HEAD", urlPathEqualTo(path(key)))
                .atPriority(1).willReturn(aResponse().withStatus(403)));
        try (S3Client s3 = SharedS3.clientBuilder(URI.create(proxy.baseUrl()))
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofSeconds(1))).build()) {
            S3Store store = new S3Store(s3, bucket, PREFIX);
            try (PendingObject pending = store.create(key, -1)) {
                pending.write(new byte[4321]);
                assertThatThrownBy(pending::commit)
                        .isInstanceOf(StorageException.class)
                        .hasMessageContaining("could not tell whether the object now under " + key)
                        .hasMessageContaining("4321 bytes")
                        .hasMessageContaining("may not read it")
                        .satisfies(e -> assertThat(((StorageException) e).retryable()).isFalse());
            }
            // Looking at it by key still works for this role: from the listing.
            assertThat(store.stat(key)).get().extracting(StoredObject::size).isEqualTo(4321L);
        }
        assertThat(direct.headObject(b -> b.bucket(bucket).key(PREFIX + "/" + key)).contentLength()).isEqualTo(4321);
        assertThat(direct.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    /** Once the completion succeeded, failing to look the object up must not make the backup look failed. */
    @Test
    void aCompletedUploadStaysCompletedWhenLookingItUpFails() throws Exception {
        String key = "daily/auth-db-backup-2026-11-24.sql.gz";
        proxy.stubFor(com.github.tomakehurst.wiremock.client.WireMock.request("HEAD", urlPathEqualTo(path(key)))
                .atPriority(1).willReturn(aResponse().withStatus(403)));
        try (S3Client s3 = throughProxy()) {
            try (PendingObject pending = new S3Store(s3, bucket, PREFIX).create(key, -1)) {
                pending.write(new byte[1234]);
                assertThat(pending.commit().size()).isEqualTo(1234);
            }
        }
        assertThat(direct.headObject(b -> b.bucket(bucket).key(PREFIX + "/" + key)).contentLength()).isEqualTo(1234);
    }

    /** 409 ConditionalRequestConflict says nothing about the object: the write is asked again. */
    @Test
    void aConflictingConditionalWriteIsRepeatedUntilS3Decides() {
        String key = "daily/auth-db-backup-2026-11-24.sql.gz.lock";
        proxy.stubFor(put(urlPathEqualTo(path(key))).withHeader("If-None-Match", equalTo("*")).atPriority(1)
                .inScenario("conflict").whenScenarioStateIs(STARTED).willSetStateTo("decided")
                .willReturn(aResponse().withStatus(409).withBody("<Error><Code>ConditionalRequestConflict</Code>"
                        + "<Message>A conflicting conditional operation is in progress.</Message></Error>")));
        try (S3Client s3 = throughProxy()) {
            S3Store store = new S3Store(s3, bucket, PREFIX);
            String etag = store.putIfAbsent(key, "run 1".getBytes(java.nio.charset.StandardCharsets.UTF_8)).orElseThrow();
            assertThat(store.readVersioned(key).orElseThrow().etag()).isEqualTo(etag);
        }
        proxy.verify(2, putRequestedFor(urlPathEqualTo(path(key))));
    }

    /** The write landed but its answer came too late; the retry's 412 is about our own write. */
    @Test
    void aConditionalWriteWhoseAnswerWasLostIsRecognisedByItsContent() {
        String key = "daily/auth-db-backup-2026-11-24.sql.gz.lock";
        proxy.stubFor(put(urlPathEqualTo(path(key))).atPriority(1)
                .inScenario("late").whenScenarioStateIs(STARTED).willSetStateTo("answered late")
                .willReturn(aResponse().proxiedFrom(SharedS3.endpoint().toString()).withFixedDelay(3_000)));
        byte[] lease = "{\"runId\":\"r-1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (S3Client s3 = SharedS3.clientBuilder(URI.create(proxy.baseUrl()))
                .overrideConfiguration(o -> o.apiCallAttemptTimeout(Duration.ofSeconds(1))).build()) {
            S3Store store = new S3Store(s3, bucket, PREFIX);
            assertThat(store.putIfAbsent(key, lease)).isPresent();
            assertThat(store.putIfAbsent(key, "{\"runId\":\"r-2\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .isEmpty();
        }
        proxy.verify(3, putRequestedFor(urlPathEqualTo(path(key))));
    }

    @Test
    void aPartAnswered503IsRetriedWithTheSameBytes() throws Exception {
        String key = "daily/auth-db-backup-2026-11-24.sql.gz";
        for (String state : new String[] {STARTED, "once"}) {
            proxy.stubFor(put(urlPathEqualTo(path(key))).withQueryParam("partNumber", equalTo("2")).atPriority(1)
                    .inScenario("slow down").whenScenarioStateIs(state).willSetStateTo(state.equals(STARTED) ? "once" : "twice")
                    .willReturn(aResponse().withStatus(503).withBody(
                            "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>")));
        }
        byte[] content = BackupStoreContract.randomBytes(17 << 20);
        try (S3Client s3 = fastRetrying()) {
            try (PendingObject pending = new S3Store(s3, bucket, PREFIX).create(key, -1)) {
                pending.write(content);
                pending.commit();
            }
        }
        proxy.verify(3, putRequestedFor(urlPathEqualTo(path(key))).withQueryParam("partNumber", equalTo("2")));
        byte[] stored = direct.getObjectAsBytes(b -> b.bucket(bucket).key(PREFIX + "/" + key)).asByteArray();
        assertThat(BackupStoreContract.sha256(stored)).isEqualTo(BackupStoreContract.sha256(content));
    }

    @Test
    void aPartThatKeepsFailingIsTriedTenTimesThenTheUploadFailsRetryably() throws Exception {
        String key = "daily/auth-db-backup-2026-11-24.sql.gz";
        proxy.stubFor(put(urlPathEqualTo(path(key))).withQueryParam("partNumber", equalTo("2")).atPriority(1)
                .willReturn(aResponse().withStatus(500).withBody("<Error><Code>InternalError</Code></Error>")));
        try (S3Client s3 = fastRetrying()) {
            PendingObject pending = new S3Store(s3, bucket, PREFIX).create(key, -1);
            try {
                pending.write(BackupStoreContract.randomBytes(17 << 20));
                assertThatThrownBy(pending::commit)
                        .isInstanceOf(StorageException.class)
                        .hasMessageContaining("InternalError (HTTP 500)")
                        .satisfies(e -> assertThat(((StorageException) e).retryable()).isTrue());
            } finally {
                pending.close();
            }
        }
        proxy.verify(S3Retries.MAX_ATTEMPTS, putRequestedFor(urlPathEqualTo(path(key)))
                .withQueryParam("partNumber", equalTo("2")));
        assertThat(direct.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
        assertThat(direct.listObjectsV2(b -> b.bucket(bucket)).contents()).isEmpty();
    }

    /** Whatever the expected size, the first part is 8 MiB: on the wire and in memory. */
    @Test
    void aTerabyteExpectedTakesTheSamePartsAsAKilobyte() throws Exception {
        try (S3Client s3 = throughProxy()) {
            S3Store store = new S3Store(s3, bucket, PREFIX);
            for (long expected : new long[] {1L << 40, 1_000}) {
                String key = "manual/auth-db-manual-2026-11-24-0000" + (expected > 1_000 ? "01" : "02") + ".sql.gz";
                S3MultipartObject pending = (S3MultipartObject) store.create(key, expected);
                pending.write(1);
                assertThat(pending.bufferSize()).as("first part buffer, expecting %d bytes", expected)
                        .isEqualTo(8 << 20);
                pending.write(BackupStoreContract.randomBytes(9 << 20));
                pending.commit();
                proxy.verify(putRequestedFor(urlPathEqualTo(path(key))).withQueryParam("partNumber", equalTo("1"))
                        .withHeader("x-amz-decoded-content-length", equalTo(Integer.toString(8 << 20))));
            }
        }
    }

    @Test
    void anUploadBeyondThePartLimitFailsWithANamedError() throws Exception {
        S3Store store = new S3Store(direct, bucket, PREFIX, new PartSizing(8L << 20, 8L << 20, 2), FAST_READS);
        PendingObject pending = store.create("daily/auth-db-backup-2026-11-24.sql.gz", -1);
        pending.write(BackupStoreContract.randomBytes(16 << 20)); // exactly two parts: fine
        assertThatThrownBy(() -> pending.write(1))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("larger than one upload can hold: 2 parts of at most 8 MiB")
                .hasCauseInstanceOf(ObjectTooLargeException.class);
        pending.close();
        assertThat(direct.listMultipartUploads(b -> b.bucket(bucket)).uploads()).isEmpty();
    }

    private S3Client fastRetrying() {
        return S3Retries.configure(SharedS3.clientBuilder(URI.create(proxy.baseUrl())),
                S3Retries.strategy(S3Retries.MAX_ATTEMPTS, Duration.ofMillis(1), Duration.ofMillis(1))).build();
    }
}
