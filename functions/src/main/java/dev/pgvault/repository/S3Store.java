package dev.pgvault.repository;

import dev.pgvault.errors.BackupNotFoundException;
import dev.pgvault.errors.StorageException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * A repository in an S3 bucket, under an optional key prefix.
 *
 * <p>Objects are written as streamed multipart uploads: each part is uploaded in the
 * background while the next fills, at most {@value #PARTS_IN_FLIGHT} at a time, each with a
 * SHA-256 checksum S3 verifies. The upload is completed only on {@link PendingObject#commit()}
 * and aborted on any failure, so nothing appears under the key unless everything upstream
 * succeeded. (The bucket's lifecycle rule cleans up after a process killed mid-upload.)
 */
public final class S3Store implements BackupStore {
    static final int PARTS_IN_FLIGHT = 2;

    private final S3Client s3;
    private final String bucket;
    private final String prefix;
    private final ExecutorService uploads;

    public S3Store(S3Client s3, String bucket, String prefix) {
        this.s3 = s3;
        this.bucket = bucket;
        this.prefix = prefix == null ? "" : prefix.replaceAll("^/+|/+$", "");
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

    @Override
    public PendingObject create(String key, long expectedSize) {
        String objectKey = fullKey(key);
        String uploadId = call("start uploading " + key, () -> s3.createMultipartUpload(
                CreateMultipartUploadRequest.builder().bucket(bucket).key(objectKey)
                        .checksumAlgorithm(ChecksumAlgorithm.SHA256).build()).uploadId());
        return new MultipartObject(key, objectKey, uploadId, PartSizing.forExpectedSize(expectedSize));
    }

    @Override
    public InputStream open(String key) {
        try {
            return s3.getObject(GetObjectRequest.builder().bucket(bucket).key(fullKey(key)).build());
        } catch (NoSuchKeyException e) {
            throw new BackupNotFoundException("no object " + key + " in " + location());
        } catch (SdkException e) {
            throw failure("could not open " + key, e);
        }
    }

    @Override
    public Optional<StoredObject> stat(String key) {
        try {
            HeadObjectResponse head = s3.headObject(HeadObjectRequest.builder().bucket(bucket).key(fullKey(key)).build());
            return Optional.of(new StoredObject(key, head.contentLength(), head.lastModified(),
                    head.storageClassAsString() == null ? "STANDARD" : head.storageClassAsString()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("could not look up " + key, e);
        } catch (SdkException e) {
            throw failure("could not look up " + key, e);
        }
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
        call("store " + key, () -> s3.putObject(PutObjectRequest.builder().bucket(bucket).key(fullKey(key))
                .checksumAlgorithm(ChecksumAlgorithm.SHA256).build(), RequestBody.fromBytes(content)));
    }

    @Override
    public Optional<String> putIfAbsent(String key, byte[] content) {
        try {
            return Optional.of(s3.putObject(PutObjectRequest.builder().bucket(bucket).key(fullKey(key)).ifNoneMatch("*")
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256).build(), RequestBody.fromBytes(content)).eTag());
        } catch (S3Exception e) {
            // 412: an object exists; 409: another conditional write to this key is in flight.
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return Optional.empty();
            }
            throw failure("could not store " + key, e);
        } catch (SdkException e) {
            throw failure("could not store " + key, e);
        }
    }

    @Override
    public void delete(String key) {
        call("delete " + key, () -> s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(fullKey(key)).build()));
    }

    // Interim versions; the repository change replaces them.
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
        try {
            return Optional.of(s3.putObject(PutObjectRequest.builder().bucket(bucket).key(fullKey(key)).ifMatch(etag)
                    .checksumAlgorithm(ChecksumAlgorithm.SHA256).build(), RequestBody.fromBytes(content)).eTag());
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409 || e.statusCode() == 404) {
                return Optional.empty();
            }
            throw failure("could not store " + key, e);
        } catch (SdkException e) {
            throw failure("could not store " + key, e);
        }
    }

    @Override
    public boolean deleteIfMatch(String key, String etag) {
        try {
            s3.deleteObject(DeleteObjectRequest.builder().bucket(bucket).key(fullKey(key)).ifMatch(etag).build());
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 404) {
                return false;
            }
            throw failure("could not delete " + key, e);
        } catch (SdkException e) {
            throw failure("could not delete " + key, e);
        }
    }

    @Override
    public List<UnfinishedUpload> listUnfinished(String prefix) {
        return List.of();
    }

    private String fullKey(String key) {
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

    private StorageException failure(String what, SdkException e) {
        return new StorageException(what + " in " + location() + ": " + describe(e), isRetryable(e), e);
    }

    static boolean isRetryable(SdkException e) {
        if (e instanceof S3Exception s3e) {
            int status = s3e.statusCode();
            return status >= 500 || status == 429 || s3e.isThrottlingException();
        }
        return e instanceof SdkClientException || e.retryable();
    }

    private static String describe(SdkException e) {
        if (e instanceof S3Exception s3e && s3e.awsErrorDetails() != null) {
            return s3e.awsErrorDetails().errorCode() + " (HTTP " + s3e.statusCode() + ")";
        }
        return e.getMessage();
    }

    /** One streamed multipart upload: fills a part buffer, hands full parts to the upload pool. */
    private final class MultipartObject extends PendingObject {
        private final String key;
        private final String objectKey;
        private final String uploadId;
        private final PartSizing sizing;
        private final Semaphore slots = new Semaphore(PARTS_IN_FLIGHT);
        private final List<Future<CompletedPart>> parts = new ArrayList<>();
        private byte[] buffer;
        private int filled;
        private long written;
        private boolean finished;

        MultipartObject(String key, String objectKey, String uploadId, PartSizing sizing) {
            this.key = key;
            this.objectKey = objectKey;
            this.uploadId = uploadId;
            this.sizing = sizing;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            ensureOpen();
            while (len > 0) {
                if (buffer == null) {
                    buffer = new byte[Math.toIntExact(Math.min(sizing.sizeOf(parts.size() + 1), Integer.MAX_VALUE - 8))];
                    filled = 0;
                }
                int n = Math.min(len, buffer.length - filled);
                System.arraycopy(b, off, buffer, filled, n);
                filled += n;
                off += n;
                len -= n;
                written += n;
                if (filled == buffer.length) {
                    submitPart();
                }
            }
        }

        private void ensureOpen() throws java.io.IOException {
            if (finished) {
                throw new java.io.IOException("upload of " + key + " is already finished");
            }
            failFast();
        }

        /** Surfaces a failed part upload at the next write instead of at commit. */
        private void failFast() throws java.io.IOException {
            for (Future<CompletedPart> part : parts) {
                if (part.isDone()) {
                    try {
                        part.get();
                    } catch (ExecutionException e) {
                        throw new java.io.IOException("uploading a part of " + key + " failed: "
                                + e.getCause().getMessage(), e.getCause());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new java.io.InterruptedIOException("interrupted");
                    }
                }
            }
        }

        private void submitPart() throws java.io.IOException {
            int partNumber = parts.size() + 1;
            if (partNumber > PartSizing.MAX_PARTS) {
                throw new java.io.IOException(key + " exceeds " + PartSizing.MAX_PARTS + " parts");
            }
            byte[] data = buffer == null ? new byte[0] : buffer;
            int length = filled;
            buffer = null;
            filled = 0;
            try {
                slots.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting to upload a part of " + key);
            }
            parts.add(uploads.submit(() -> {
                try {
                    UploadPartResponse response = s3.uploadPart(UploadPartRequest.builder()
                                    .bucket(bucket).key(objectKey).uploadId(uploadId)
                                    .partNumber(partNumber).contentLength((long) length)
                                    .checksumAlgorithm(ChecksumAlgorithm.SHA256).build(),
                            RequestBody.fromContentProvider(() -> new ByteArrayInputStream(data, 0, length),
                                    length, "application/octet-stream"));
                    return CompletedPart.builder().partNumber(partNumber).eTag(response.eTag())
                            .checksumSHA256(response.checksumSHA256()).build();
                } finally {
                    slots.release();
                }
            }));
        }

        @Override
        public StoredObject commit() {
            try {
                ensureOpen();
                if (filled > 0 || parts.isEmpty()) {
                    submitPart();
                }
                List<CompletedPart> completed = new ArrayList<>();
                for (Future<CompletedPart> part : parts) {
                    completed.add(part.get());
                }
                s3.completeMultipartUpload(CompleteMultipartUploadRequest.builder()
                        .bucket(bucket).key(objectKey).uploadId(uploadId)
                        .multipartUpload(CompletedMultipartUpload.builder().parts(completed).build()).build());
                finished = true;
                return stat(key).orElseGet(() -> new StoredObject(key, written, java.time.Instant.now(), "STANDARD"));
            } catch (ExecutionException e) {
                abort();
                Throwable cause = e.getCause();
                if (cause instanceof SdkException sdk) {
                    throw failure("could not upload " + key, sdk);
                }
                throw new StorageException("could not upload " + key + " to " + location() + ": " + cause, false, cause);
            } catch (SdkException e) {
                abort();
                throw failure("could not complete the upload of " + key, e);
            } catch (java.io.IOException e) {
                abort();
                throw new StorageException("could not upload " + key + " to " + location() + ": " + e.getMessage(),
                        true, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                abort();
                throw new StorageException("interrupted while uploading " + key, true, e);
            }
        }

        @Override
        public void abort() {
            if (finished) {
                return;
            }
            finished = true;
            buffer = null;
            // Let parts in flight end first: a part that lands after the abort would linger.
            for (Future<CompletedPart> part : parts) {
                try {
                    part.get();
                } catch (ExecutionException ignored) {
                    // the failure is what got us here
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            try {
                s3.abortMultipartUpload(AbortMultipartUploadRequest.builder()
                        .bucket(bucket).key(objectKey).uploadId(uploadId).build());
            } catch (SdkException ignored) {
                // the bucket's lifecycle rule removes an upload we could not abort
            }
        }
    }

}
