package dev.pgvault.repository;

import dev.pgvault.errors.BackupNotFoundException;
import dev.pgvault.errors.StorageException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A repository in an S3 bucket, under an optional key prefix.
 *
 * <p>Objects are written as streamed multipart uploads ({@link S3MultipartObject}): parts of
 * {@link PartSizing}'s sizes upload in the background while the next fills, each with a SHA-256
 * checksum S3 verifies; the upload is completed only on {@link PendingObject#commit()}, never over
 * an existing object, and aborted on any failure. (The bucket's lifecycle rule cleans up after a
 * process killed mid-upload; {@link #listUnfinished} shows such uploads meanwhile.)
 *
 * <p>Conditional writes use S3's preconditions: {@code If-None-Match: *} to create, {@code If-Match:
 * <ETag>} to replace or delete what was read. Reads resume a broken body
 * ({@link ResumingObjectStream}). Whether a failure is retryable is decided here
 * ({@link #isRetryable}); the SDK has already retried it ({@link S3Retries}) when the client was
 * built the way pgvault builds them.
 *
 * <p>With an {@link ObjectLock} setting, what {@link BackupArtifacts#retainedUnderObjectLock} names
 * (backup objects, manifests, signatures) is written with that retention (mode and retain-until
 * date on the CreateMultipartUpload or PutObject itself, so no version ever exists unprotected);
 * locks and everything else are written without, and stay deletable.
 *
 * <p>A role that may not read backup objects (the backup function's: least privilege) cannot HEAD
 * them either (S3 answers 403 whether the object exists or not); {@link #stat} then asks the listing,
 * which needs only {@code s3:ListBucket}.
 */
public final class S3Store implements BackupStore {
    static final int PARTS_IN_FLIGHT = 2;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final PartSizing sizing;
    private final Backoff readRetries;
    private final Optional<ObjectLock> objectLock;
    private final Clock clock;
    private final ExecutorService uploads;

    public S3Store(S3Client s3, String bucket, String prefix) {
        this(s3, bucket, prefix, (ObjectLock) null);
    }

    /**
     * A store that puts {@code objectLock}'s retention on every backup object, manifest and signature
     * it writes ({@code null}: none). The bucket must have Object Lock enabled.
     */
    public S3Store(S3Client s3, String bucket, String prefix, ObjectLock objectLock) {
        this(s3, bucket, prefix, PartSizing.forThisProcess(), Backoff.READS, objectLock, Clock.systemUTC());
    }

    /** With other part sizes or read retries: tests use small ones. */
    S3Store(S3Client s3, String bucket, String prefix, PartSizing sizing, Backoff readRetries) {
        this(s3, bucket, prefix, sizing, readRetries, null, Clock.systemUTC());
    }

    /** Everything chosen: tests also set the clock that retain-until dates count from. */
    S3Store(S3Client s3, String bucket, String prefix, PartSizing sizing, Backoff readRetries, ObjectLock objectLock,
            Clock clock) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
        this.sizing = sizing;
        this.readRetries = readRetries;
        this.objectLock = Optional.ofNullable(objectLock);
        this.clock = clock;
        this.uploads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "s3-part-upload");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public String location() {
        return "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix);
    }

    /** The retention this store puts on backups, if any. */
    public Optional<ObjectLock> objectLock() {
        return objectLock;
    }

    @Override
    public Optional<ObjectStates> objectStates() {
        return Optional.of(new S3ObjectStates(this, s3, bucket));
    }

    /** The retention for a write of {@code key} now: present only for what the catalog says is kept. */
    private Optional<ObjectLock> retentionFor(String key) {
        return objectLock.filter(lock -> BackupArtifacts.retainedUnderObjectLock(key));
    }

    /** {@code expectedSize} is not used: parts are sized the same whatever it is, see {@link PartSizing}. */
    @Override
    public PendingObject create(String key, long expectedSize) {
        return createUpload(key);
    }

    S3MultipartObject createUpload(String key) {
        String objectKey = fullKey(key);
        String token = UUID.randomUUID().toString();
        CreateMultipartUploadRequest.Builder request = CreateMultipartUploadRequest.builder().bucket(bucket)
                .key(objectKey).metadata(Map.of(S3MultipartObject.UPLOAD_TOKEN, token))
                .checksumAlgorithm(ChecksumAlgorithm.SHA256);
        retentionFor(key).ifPresent(lock -> request.objectLockMode(ObjectLockMode.fromValue(lock.s3Mode()))
                .objectLockRetainUntilDate(lock.retainUntil(clock.instant())));
        String uploadId = call("start uploading " + key, () -> s3.createMultipartUpload(request.build()).uploadId());
        return new S3MultipartObject(this, s3, uploads, bucket, key, objectKey, uploadId, token, sizing);
    }

    @Override
    public InputStream open(String key) {
        String objectKey = fullKey(key);
        try {
            return new ResumingObjectStream(s3, bucket, objectKey,
                    s3.getObject(GetObjectRequest.builder().bucket(bucket).key(objectKey).build()),
                    key + " in " + location(), readRetries);
        } catch (NoSuchKeyException e) {
            throw new BackupNotFoundException("no object " + key + " in " + location());
        } catch (S3Exception e) {
            if (e.statusCode() == 403 && e.awsErrorDetails() != null
                    && "InvalidObjectState".equals(e.awsErrorDetails().errorCode())) {
                throw new dev.pgvault.errors.BackupArchivedException(key, null, key + " in " + location()
                        + " is archived (Glacier or Deep Archive) and not retrieved: `pgvault restore` and `pgvault verify`"
                        + " request its retrieval");
            }
            throw failure("could not open " + key, e);
        } catch (SdkException e) {
            throw failure("could not open " + key, e);
        }
    }

    /**
     * The object's size, date and class: from HEAD, or, when HEAD is denied (a role without
     * {@code s3:GetObject} on the key, which S3 answers 403 whether the object exists or not), from
     * the listing.
     */
    @Override
    public Optional<StoredObject> stat(String key) {
        Optional<HeadObjectResponse> head;
        try {
            head = head(key);
        } catch (HeadDenied denied) {
            return listed(key);
        }
        return head.map(h -> new StoredObject(key, h.contentLength(), h.lastModified(),
                h.storageClassAsString() == null ? "STANDARD" : h.storageClassAsString()));
    }

    /** HEAD of the object under {@code key}: empty when there is none; {@link HeadDenied} when this role may not ask. */
    Optional<HeadObjectResponse> head(String key) {
        try {
            return Optional.of(s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(fullKey(key)).build()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            if (e.statusCode() == 403) {
                throw new HeadDenied(failure("could not look up " + key, e));
            }
            throw failure("could not look up " + key, e);
        } catch (SdkException e) {
            throw failure("could not look up " + key, e);
        }
    }

    /**
     * HEAD was refused with 403: the role may not read the object (or its key: S3 does not say
     * which). A {@link StorageException}, permanent, for callers that do not look further.
     */
    static final class HeadDenied extends StorageException {
        HeadDenied(StorageException cause) {
            super(cause.getMessage(), false, cause.getCause());
        }
    }

    /**
     * The object under exactly {@code key} as the bucket's listing shows it (needs only
     * {@code s3:ListBucket}). Keys list in byte order and {@code key} is a prefix of its sidecars'
     * keys, so it is the first key listed under itself when it exists.
     */
    Optional<StoredObject> listed(String key) {
        String objectKey = fullKey(key);
        return call("look up " + key + " in the listing", () -> s3.listObjectsV2(ListObjectsV2Request.builder()
                        .bucket(bucket).prefix(objectKey).maxKeys(1).build())
                .contents().stream()
                .filter(o -> o.key().equals(objectKey))
                .findFirst()
                .map(o -> new StoredObject(key, o.size(), o.lastModified(),
                        o.storageClassAsString() == null ? "STANDARD" : o.storageClassAsString())));
    }

    @Override
    public List<StoredObject> list(String keyPrefix) {
        String listPrefix = prefix.isEmpty() ? keyPrefix : prefix + "/" + keyPrefix;
        return call("list " + keyPrefix, () -> {
            List<StoredObject> objects = new ArrayList<>();
            s3.listObjectsV2Paginator(ListObjectsV2Request.builder().bucket(bucket).prefix(listPrefix).build())
                    .contents()
                    .forEach(o -> objects.add(new StoredObject(relativeKey(o.key()), o.size(), o.lastModified(),
                            o.storageClassAsString() == null ? "STANDARD" : o.storageClassAsString())));
            objects.sort(Comparator.comparing(StoredObject::key));
            return objects;
        });
    }

    @Override
    public void put(String key, byte[] content) {
        call("store " + key, () -> s3.putObject(putRequest(key).build(), RequestBody.fromBytes(content)));
    }

    @Override
    public Optional<String> putIfAbsent(String key, byte[] content) {
        return conditionalPut(key, content, putRequest(key).ifNoneMatch("*").build(), "store " + key);
    }

    @Override
    public Optional<Versioned> readVersioned(String key) {
        try {
            var response = s3.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(fullKey(key)).build());
            return Optional.of(new Versioned(response.asByteArray(), response.response().eTag()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw failure("could not read " + key, e);
        }
    }

    @Override
    public Optional<String> replaceIfMatch(String key, byte[] content, String etag) {
        return conditionalPut(key, content, putRequest(key).ifMatch(etag).build(), "replace " + key);
    }

    @Override
    public boolean deleteIfMatch(String key, String etag) {
        DeleteObjectRequest request = DeleteObjectRequest.builder().bucket(bucket).key(fullKey(key)).ifMatch(etag).build();
        for (int attempt = 1; ; attempt++) {
            try {
                s3.deleteObject(request);
                return true;
            } catch (S3Exception e) {
                // 412: another version is there now; 404: nothing is there (maybe our own earlier
                // attempt deleted it, its answer lost: gone all the same).
                if (e.statusCode() == 412 || isNoSuchKey(e)) {
                    return false;
                }
                if (!isConflict(e) || attempt >= Backoff.CONFLICTS.attempts()) {
                    throw failure("could not delete " + key, e);
                }
            } catch (SdkException e) {
                throw failure("could not delete " + key, e);
            }
            pauseAfterConflict(attempt, key);
        }
    }

    @Override
    public void delete(String key) {
        call("delete " + key, () -> s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(fullKey(key)).build()));
    }

    @Override
    public int abortUnfinished(String key) {
        String objectKey = fullKey(key);
        return call("abort the unfinished uploads of " + key, () -> {
            int aborted = 0;
            for (var upload : s3.listMultipartUploadsPaginator(ListMultipartUploadsRequest.builder().bucket(bucket)
                    .prefix(objectKey).build()).uploads()) {
                if (upload.key().equals(objectKey)) {
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(objectKey).uploadId(upload.uploadId()));
                    aborted++;
                }
            }
            return aborted;
        });
    }

    @Override
    public List<UnfinishedUpload> listUnfinished(String keyPrefix) {
        String listPrefix = prefix.isEmpty() ? keyPrefix : prefix + "/" + keyPrefix;
        return call("list the unfinished uploads under " + (keyPrefix.isEmpty() ? "the repository" : keyPrefix), () -> {
            List<UnfinishedUpload> uploads = new ArrayList<>();
            s3.listMultipartUploadsPaginator(ListMultipartUploadsRequest.builder().bucket(bucket).prefix(listPrefix).build())
                    .uploads()
                    .forEach(u -> uploads.add(new UnfinishedUpload(relativeKey(u.key()), u.initiated())));
            uploads.sort(Comparator.comparing(UnfinishedUpload::key).thenComparing(UnfinishedUpload::started));
            return uploads;
        });
    }

    /**
     * A PUT with a SHA-256 checksum (S3 checks it, and Object Lock requires one) and, for what the
     * catalog says is kept, the Object Lock retention.
     */
    private PutObjectRequest.Builder putRequest(String key) {
        PutObjectRequest.Builder request = PutObjectRequest.builder().bucket(bucket).key(fullKey(key))
                .checksumAlgorithm(ChecksumAlgorithm.SHA256);
        retentionFor(key).ifPresent(lock -> request.objectLockMode(ObjectLockMode.fromValue(lock.s3Mode()))
                .objectLockRetainUntilDate(lock.retainUntil(clock.instant())));
        return request;
    }

    /**
     * A put with a precondition: the new ETag, or empty when the precondition failed. Two cases
     * need more than the status code:
     * <ul>
     * <li>409 ConditionalRequestConflict means another conditional write to the key was in flight;
     *     it says nothing about the object, so the write is repeated (with backoff) until S3 answers
     *     yes or no. Answering "no" at once would tell a lock holder it lost its lock when the other
     *     writer may have failed.</li>
     * <li>412 can answer a retry of our own write whose first attempt succeeded (its response
     *     lost). If the object now holds exactly our content it is ours; pgvault's conditional
     *     objects (leases) carry a run id, so another writer's content is never the same.</li>
     * </ul>
     */
    private Optional<String> conditionalPut(String key, byte[] content, PutObjectRequest request, String what) {
        for (int attempt = 1; ; attempt++) {
            try {
                return Optional.of(s3.putObject(request, RequestBody.fromBytes(content)).eTag());
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    return readVersioned(key).filter(v -> Arrays.equals(v.content(), content)).map(Versioned::etag);
                }
                if (isNoSuchKey(e)) {
                    return Optional.empty(); // If-Match on a key with no object
                }
                if (!isConflict(e) || attempt >= Backoff.CONFLICTS.attempts()) {
                    throw failure("could not " + what, e);
                }
            } catch (SdkException e) {
                throw failure("could not " + what, e);
            }
            pauseAfterConflict(attempt, key);
        }
    }

    /** 404 for the key, not for the bucket: a missing bucket is a failure, never "absent". */
    private static boolean isNoSuchKey(S3Exception e) {
        return e instanceof NoSuchKeyException
                || (e.statusCode() == 404 && e.awsErrorDetails() != null && "NoSuchKey".equals(e.awsErrorDetails().errorCode()));
    }

    private static boolean isConflict(S3Exception e) {
        return e.statusCode() == 409;
    }

    private void pauseAfterConflict(int attempt, String key) {
        try {
            Backoff.CONFLICTS.pause(attempt + 1);
        } catch (java.io.InterruptedIOException e) {
            throw new StorageException("interrupted while writing " + key, true, e);
        }
    }

    String fullKey(String key) {
        Keys.check(key);
        return prefix.isEmpty() ? key : prefix + "/" + key;
    }

    private String relativeKey(String objectKey) {
        return prefix.isEmpty() ? objectKey : objectKey.substring(prefix.length() + 1);
    }

    private <T> T call(String what, java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (SdkException e) {
            throw failure("could not " + what, e);
        }
    }

    StorageException failure(String what, SdkException e) {
        return new StorageException(what + " in " + location() + ": " + describe(e), isRetryable(e), e);
    }

    /**
     * Whether trying the whole operation again later may help, after the SDK's own retries: yes for
     * throttling, 5xx, 409 conflicts, timeouts and broken connections; no for what only a person can
     * fix (denied, no such bucket, bad request, missing credentials) and for failed preconditions.
     */
    static boolean isRetryable(SdkException e) {
        if (e instanceof S3Exception s3e) {
            int status = s3e.statusCode();
            return status >= 500 || status == 429 || status == 409 || s3e.isThrottlingException();
        }
        if (e instanceof SdkClientException) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof java.io.IOException || t instanceof ApiCallTimeoutException
                        || t instanceof ApiCallAttemptTimeoutException) {
                    return true;
                }
            }
            return e.retryable();
        }
        return e.retryable();
    }

    static String describe(SdkException e) {
        if (e instanceof S3Exception s3e && s3e.awsErrorDetails() != null && s3e.awsErrorDetails().errorCode() != null) {
            return s3e.awsErrorDetails().errorCode() + " (HTTP " + s3e.statusCode() + ")";
        }
        if (e instanceof S3Exception s3e && s3e.statusCode() == 403) {
            return "AccessDenied (HTTP 403)"; // a HEAD's 403 has no body to name it
        }
        if (e instanceof S3Exception s3e && s3e.statusCode() > 0) {
            return "HTTP " + s3e.statusCode();
        }
        return e.getMessage();
    }
}
