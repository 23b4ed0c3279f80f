package dev.pgvault.repository;

import dev.pgvault.errors.ObjectExistsException;
import dev.pgvault.errors.StorageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchUploadException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * One streamed multipart upload: fills a part buffer, hands full parts to the upload pool, at
 * most {@link S3Store#PARTS_IN_FLIGHT} uploading while the next fills (so at most three buffers
 * live; their size is {@link PartSizing}'s, never the database's).
 *
 * <p>The completion carries {@code If-None-Match: *}: it never replaces an object, so a second
 * writer cannot overwrite a backup. Its answer can be about an earlier attempt, though: when the
 * response to a completion that succeeded is lost, the SDK's retry is answered 412 (the object now
 * exists) or NoSuchUpload (the upload is gone). So on any failed completion the object under the
 * key is looked at, and recognised as ours by the upload token written into its metadata when the
 * upload started, and by its size; only someone else's object means "exists", and nothing is ever
 * deleted here.
 */
final class S3MultipartObject extends PendingObject {
    /** User metadata naming the upload that made an object (x-amz-meta-pgvault-upload). */
    static final String UPLOAD_TOKEN = "pgvault-upload";

    private final S3Store store;
    private final S3Client s3;
    private final ExecutorService uploads;
    private final String bucket;
    private final String key;
    private final String objectKey;
    private final String uploadId;
    private final String token;
    private final PartSizing sizing;
    private final Semaphore slots = new Semaphore(S3Store.PARTS_IN_FLIGHT);
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private byte[] buffer;
    private int filled;
    private long written;
    private boolean finished;

    S3MultipartObject(S3Store store, S3Client s3, ExecutorService uploads, String bucket, String key, String objectKey,
                      String uploadId, String token, PartSizing sizing) {
        this.store = store;
        this.s3 = s3;
        this.uploads = uploads;
        this.bucket = bucket;
        this.key = key;
        this.objectKey = objectKey;
        this.uploadId = uploadId;
        this.token = token;
        this.sizing = sizing;
    }

    /** The size of the buffer being filled, 0 between parts: what one part costs in memory. */
    int bufferSize() {
        return buffer == null ? 0 : buffer.length;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        ensureOpen();
        while (len > 0) {
            if (buffer == null) {
                if (parts.size() >= sizing.maxParts()) {
                    StorageException tooLarge = sizing.limitReached(key, store.location());
                    throw new IOException(tooLarge.getMessage(), tooLarge);
                }
                buffer = new byte[Math.toIntExact(sizing.sizeOf(parts.size() + 1))];
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

    private void ensureOpen() throws IOException {
        if (finished) {
            throw new IOException("upload of " + key + " is already finished");
        }
        failFast();
    }

    /** Surfaces a failed part upload at the next write instead of at commit. */
    private void failFast() throws IOException {
        for (Future<CompletedPart> part : parts) {
            if (part.isDone()) {
                try {
                    part.get();
                } catch (ExecutionException e) {
                    StorageException failure = partFailure(e.getCause());
                    throw new IOException(failure.getMessage(), failure);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                }
            }
        }
    }

    private StorageException partFailure(Throwable cause) {
        if (cause instanceof SdkException sdk) {
            return store.failure("could not upload a part of " + key, sdk);
        }
        return new StorageException("could not upload a part of " + key + " to " + store.location() + ": " + cause,
                false, cause);
    }

    private void submitPart() throws IOException {
        int partNumber = parts.size() + 1;
        byte[] data = buffer == null ? new byte[0] : buffer;
        int length = filled;
        buffer = null;
        filled = 0;
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to upload a part of " + key);
        }
        parts.add(uploads.submit(() -> {
            try {
                // A content provider, not a stream: the SDK reads the part again for each retry.
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
        List<CompletedPart> completed = new ArrayList<>();
        try {
            ensureOpen();
            if (filled > 0 || parts.isEmpty()) {
                submitPart();
            }
            for (Future<CompletedPart> part : parts) {
                completed.add(part.get());
            }
        } catch (ExecutionException e) {
            abort();
            throw partFailure(e.getCause());
        } catch (IOException e) {
            abort();
            if (e.getCause() instanceof StorageException failure) {
                throw failure;
            }
            throw new StorageException("could not upload " + key + " to " + store.location() + ": " + e.getMessage(),
                    true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abort();
            throw new StorageException("interrupted while uploading " + key, true, e);
        }
        return complete(completed);
    }

    private StoredObject complete(List<CompletedPart> completed) {
        try {
            s3.completeMultipartUpload(CompleteMultipartUploadRequest.builder()
                    .bucket(bucket).key(objectKey).uploadId(uploadId).ifNoneMatch("*")
                    .multipartUpload(CompletedMultipartUpload.builder().parts(completed).build()).build());
        } catch (SdkException e) {
            return afterFailedCompletion(e);
        }
        finished = true;
        StoredObject assumed = new StoredObject(key, written, java.time.Instant.now(), "STANDARD");
        try {
            return store.stat(key).orElse(assumed);
        } catch (StorageException e) {
            return assumed; // the object is stored; failing to describe it must not make it look failed
        }
    }

    /** A completion failed or was refused: find out whether the object under the key is ours. */
    private StoredObject afterFailedCompletion(SdkException completion) {
        Optional<HeadObjectResponse> there;
        try {
            there = store.head(key);
        } catch (S3Store.HeadDenied denied) {
            return afterFailedCompletionUnseen(completion);
        } catch (StorageException e) {
            abort(); // harmless if the completion did succeed: aborting never removes a completed object
            throw new StorageException("could not tell whether the upload of " + key + " to " + store.location()
                    + " completed: completing it failed (" + S3Store.describe(completion) + ") and looking at the key"
                    + " failed too (" + e.getMessage() + "); look at " + key + " before writing it again", true, e);
        }
        if (there.isPresent() && token.equals(there.get().metadata().get(UPLOAD_TOKEN))
                && there.get().contentLength() != null && there.get().contentLength() == written) {
            finished = true; // our earlier attempt completed; its answer was lost
            HeadObjectResponse head = there.get();
            return new StoredObject(key, head.contentLength(), head.lastModified(),
                    head.storageClassAsString() == null ? "STANDARD" : head.storageClassAsString());
        }
        abort();
        if (there.isPresent() && isExistsOrGone(completion)) {
            throw new ObjectExistsException(key + " already exists in " + store.location() + " (written by another"
                    + " run); this upload was discarded and that object left as it was");
        }
        throw store.failure("could not complete the upload of " + key, completion);
    }

    /**
     * A completion failed and this role may not look at the object's metadata (no
     * {@code s3:GetObject} on backups: least privilege), so the upload token cannot be read. The
     * listing tells whether an object is there: none means the completion did not land. One that is
     * there may be ours (the answer to our completion lost) or another run's: this cannot be told
     * apart without reading it, so the run fails saying so rather than write a manifest beside an
     * object that may not be the one it describes.
     */
    private StoredObject afterFailedCompletionUnseen(SdkException completion) {
        Optional<StoredObject> listed;
        try {
            listed = store.listed(key);
        } catch (StorageException e) {
            abort();
            throw new StorageException("could not tell whether the upload of " + key + " to " + store.location()
                    + " completed: completing it failed (" + S3Store.describe(completion) + ") and listing the key"
                    + " failed too (" + e.getMessage() + "); look at " + key + " before writing it again", true, e);
        }
        abort(); // harmless if the completion did succeed: aborting never removes a completed object
        if (listed.isEmpty()) {
            throw store.failure("could not complete the upload of " + key, completion);
        }
        throw new StorageException("could not tell whether the object now under " + key + " in " + store.location()
                + " is this upload's: completing it failed (" + S3Store.describe(completion) + "), an object of "
                + listed.get().size() + " bytes (this upload: " + written + ") is there, and this role may not read"
                + " it to compare; it was left as it is: an operator can check it, or remove it, before " + key
                + " is written again", false, completion);
    }

    /** 412: the key is taken; NoSuchUpload: our upload is gone, perhaps completed by an earlier attempt. */
    private static boolean isExistsOrGone(SdkException e) {
        return e instanceof S3Exception s3e && (s3e.statusCode() == 412 || s3e instanceof NoSuchUploadException
                || (s3e.awsErrorDetails() != null && "NoSuchUpload".equals(s3e.awsErrorDetails().errorCode())));
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
