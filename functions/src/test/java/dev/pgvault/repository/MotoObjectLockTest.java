package dev.pgvault.repository;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.StorageException;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.testing.MotoServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * S3 Object Lock as pgvault uses it, against moto_server, which enforces it on versions: a bucket
 * created with Object Lock and no default retention; uploads of backups, manifests and signatures
 * carry their retain-until date; a lock file carries none and stays deletable; and what "cannot be
 * deleted" means in a versioned bucket: a plain DELETE (all the store ever sends) only adds a delete
 * marker, while the retained version itself refuses deletion.
 *
 * <p>moto 5.2 keeps the retention headers of a PutObject but drops those of a CreateMultipartUpload
 * (the completed object carries none there; S3 applies them). For backup objects, which the store
 * writes by multipart upload, the test checks the request S3 receives.
 */
class MotoObjectLockTest {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static final String BACKUP = "daily/auth-db-backup-2026-11-24.sql.gz";
    private static final String MANIFEST = Sidecar.MANIFEST.keyFor(BACKUP);
    private static final String SIGNATURE = Sidecar.MANIFEST_SIGNATURE.keyFor(BACKUP);
    private static final String LOCK = Sidecar.LOCK.keyFor(BACKUP);
    private static final String PREFIX = "team/prod";

    /** Requests as they leave the client, after signing: what S3 receives. */
    private static final List<SdkHttpRequest> SENT = new CopyOnWriteArrayList<>();

    private static S3Client s3;

    private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private String bucket;

    @BeforeAll
    static void connect() {
        s3 = S3Retries.configure(MOTO.clientBuilder().overrideConfiguration(o -> o.addExecutionInterceptor(
                new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                        SENT.add(context.httpRequest());
                    }
                }))).build();
    }

    @AfterAll
    static void disconnect() {
        s3.close();
    }

    @BeforeEach
    void newBucket() {
        bucket = MOTO.newObjectLockBucket();
        SENT.clear();
    }

    private S3Store store(ObjectLock lock) {
        return new S3Store(s3, bucket, PREFIX, PartSizing.standard(), Backoff.READS, lock,
                Clock.fixed(now, ZoneOffset.UTC));
    }

    private HeadObjectResponse head(String key) {
        return s3.headObject(b -> b.bucket(bucket).key(PREFIX + "/" + key));
    }

    private List<ObjectVersion> versions(String key) {
        return s3.listObjectVersions(b -> b.bucket(bucket).prefix(PREFIX + "/" + key)).versions().stream()
                .filter(v -> v.key().equals(PREFIX + "/" + key)).toList();
    }

    /** The PUT and POST requests sent for {@code key}, with {@code query} among their parameters (or none). */
    private static List<SdkHttpRequest> sentTo(String key, String query) {
        return SENT.stream().filter(r -> r.encodedPath().endsWith("/" + key)
                && (r.method() == SdkHttpMethod.PUT || r.method() == SdkHttpMethod.POST)
                && (query == null ? r.rawQueryParameters().isEmpty() : r.rawQueryParameters().containsKey(query))).toList();
    }

    @Test
    void manifestsAndSignaturesCarryTheirRetainUntilDate() {
        S3Store store = store(ObjectLock.days(ObjectLock.Mode.GOVERNANCE, 30));
        store.putIfAbsent(SIGNATURE, "signature".getBytes(UTF_8)).orElseThrow();
        store.putIfAbsent(MANIFEST, "{\"manifest\": true}".getBytes(UTF_8)).orElseThrow();

        for (String key : List.of(SIGNATURE, MANIFEST)) {
            HeadObjectResponse head = head(key);
            assertThat(head.objectLockMode()).as(key).isEqualTo(ObjectLockMode.GOVERNANCE);
            assertThat(head.objectLockRetainUntilDate()).as(key).isEqualTo(now.plus(Duration.ofDays(30)));
            // Object Lock requires a checksum (or Content-MD5) on such a PUT: the store always sends SHA-256.
            assertThat(sentTo(key, null)).singleElement().satisfies(put -> {
                assertThat(put.firstMatchingHeader("x-amz-sdk-checksum-algorithm")).contains("SHA256");
                assertThat(put.firstMatchingHeader("x-amz-object-lock-mode")).contains("GOVERNANCE");
            });
        }
    }

    @Test
    void aBackupObjectIsUploadedWithItsRetainUntilDate() throws Exception {
        S3Store store = store(ObjectLock.days(ObjectLock.Mode.COMPLIANCE, 7));
        try (PendingObject pending = store.create(BACKUP, -1)) {
            pending.write("-- a backup\n".getBytes(UTF_8));
            pending.commit();
        }
        SdkHttpRequest start = sentTo(BACKUP, "uploads").stream().findFirst().orElseThrow();
        assertThat(start.firstMatchingHeader("x-amz-object-lock-mode")).contains("COMPLIANCE");
        assertThat(start.firstMatchingHeader("x-amz-object-lock-retain-until-date").map(Instant::parse))
                .contains(now.plus(Duration.ofDays(7)));
        assertThat(sentTo(BACKUP, "partNumber")).isNotEmpty().allSatisfy(part ->
                assertThat(part.firstMatchingHeader("x-amz-sdk-checksum-algorithm")).contains("SHA256"));
        assertThat(store.stat(BACKUP)).isPresent();
    }

    @Test
    void theLockFileCarriesNoRetentionAndStaysDeletable() {
        S3Store store = store(ObjectLock.days(ObjectLock.Mode.COMPLIANCE, 30));
        String etag = store.putIfAbsent(LOCK, "lease 1".getBytes(UTF_8)).orElseThrow();
        assertThat(head(LOCK).objectLockMode()).isNull();
        assertThat(sentTo(LOCK, null).get(0).firstMatchingHeader("x-amz-object-lock-mode")).isEmpty();

        // Renewed (a new version each time) and released, as a run does.
        String renewed = store.replaceIfMatch(LOCK, "lease 2".getBytes(UTF_8), etag).orElseThrow();
        assertThat(store.deleteIfMatch(LOCK, renewed)).isTrue();
        assertThat(store.readVersioned(LOCK)).isEmpty();
        // Nothing retains any of its versions either: an administrator (or lifecycle) can remove them all.
        for (ObjectVersion version : versions(LOCK)) {
            s3.deleteObject(b -> b.bucket(bucket).key(PREFIX + "/" + LOCK).versionId(version.versionId()));
        }
        assertThat(versions(LOCK)).isEmpty();
        // The verification record is not retained either.
        store.putIfAbsent(Sidecar.VERIFICATION.keyFor(BACKUP), "{}".getBytes(UTF_8)).orElseThrow();
        assertThat(head(Sidecar.VERIFICATION.keyFor(BACKUP)).objectLockMode()).isNull();
    }

    /**
     * The store deletes only by key (DeleteObject without a version id). In a versioned bucket that
     * adds a delete marker: the key reads as gone, the retained version is still there, readable by
     * its version id, and refuses deletion until its date. That version is what Object Lock protects.
     */
    @Test
    void aRetainedVersionSurvivesEveryDeleteTheStoreCanSend() {
        S3Store store = store(ObjectLock.days(ObjectLock.Mode.GOVERNANCE, 30));
        String etag = store.putIfAbsent(MANIFEST, "{\"manifest\": 1}".getBytes(UTF_8)).orElseThrow();
        String version = versions(MANIFEST).get(0).versionId();

        assertThat(store.deleteIfMatch(MANIFEST, etag)).isTrue(); // a delete marker
        assertThat(store.stat(MANIFEST)).isEmpty();
        store.delete(MANIFEST); // another marker on top
        assertThat(s3.getObjectAsBytes(b -> b.bucket(bucket).key(PREFIX + "/" + MANIFEST).versionId(version))
                .asUtf8String()).isEqualTo("{\"manifest\": 1}");

        // Deleting the version itself (s3:DeleteObjectVersion, which no pgvault role has) is refused.
        assertThatThrownBy(() -> s3.deleteObject(b -> b.bucket(bucket).key(PREFIX + "/" + MANIFEST).versionId(version)))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        // Governance: a principal allowed s3:BypassGovernanceRetention can, by asking for it.
        s3.deleteObject(b -> b.bucket(bucket).key(PREFIX + "/" + MANIFEST).versionId(version)
                .bypassGovernanceRetention(true));
        assertThat(versions(MANIFEST)).isEmpty();
    }

    @Test
    void complianceModeRefusesEvenABypass() {
        S3Store store = store(ObjectLock.days(ObjectLock.Mode.COMPLIANCE, 1));
        store.putIfAbsent(SIGNATURE, "signature".getBytes(UTF_8)).orElseThrow();
        String version = versions(SIGNATURE).get(0).versionId();
        assertThatThrownBy(() -> s3.deleteObject(b -> b.bucket(bucket).key(PREFIX + "/" + SIGNATURE).versionId(version)
                .bypassGovernanceRetention(true)))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        assertThat(versions(SIGNATURE)).hasSize(1);
    }

    @Test
    void withoutASettingNothingIsRetained() {
        S3Store store = store(null);
        store.putIfAbsent(MANIFEST, "{}".getBytes(UTF_8)).orElseThrow();
        assertThat(head(MANIFEST).objectLockMode()).isNull();
        assertThat(new S3Store(s3, bucket, PREFIX).objectLock()).isEmpty();
    }

    @Test
    void aBucketWithoutObjectLockRefusesRetentionWithAClearFailure() {
        bucket = MOTO.newBucket();
        S3Store store = store(ObjectLock.days(ObjectLock.Mode.GOVERNANCE, 30));
        assertThatThrownBy(() -> store.putIfAbsent(MANIFEST, "{}".getBytes(UTF_8)))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("could not store " + MANIFEST)
                .satisfies(e -> assertThat(((StorageException) e).retryable()).isFalse());
        // The lock, which carries no retention, is written as ever.
        assertThat(store.putIfAbsent(LOCK, "lease".getBytes(UTF_8))).isPresent();
    }
}
