package dev.pgvault.repository;

import dev.pgvault.errors.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * An S3 object's content as one stream that survives a broken connection. A restore reads one
 * long GET for minutes or hours; when the body breaks midway (reset, timeout, a body shorter than
 * its Content-Length) the stream asks again for the rest, {@code Range: bytes=<offset>-}, with
 * {@code If-Match: <ETag of the first response>} so that pieces of two versions of a replaced
 * object are never stitched together. It tries {@link Backoff#READS} times from the byte it
 * reached before failing with a {@link StorageException} naming the key and the offset.
 */
final class ResumingObjectStream extends InputStream {
    private final S3Client s3;
    private final String bucket;
    private final String objectKey;
    private final String where;
    private final Backoff backoff;
    private final String etag;
    private final long length;
    private ResponseInputStream<GetObjectResponse> body;
    private long position;
    private boolean closed;

    /** @param first the response to the first, whole-object GET; @param where the key and store, for messages */
    ResumingObjectStream(S3Client s3, String bucket, String objectKey, ResponseInputStream<GetObjectResponse> first,
                         String where, Backoff backoff) {
        this.s3 = s3;
        this.bucket = bucket;
        this.objectKey = objectKey;
        this.where = where;
        this.backoff = backoff;
        this.body = first;
        this.etag = first.response().eTag();
        this.length = first.response().contentLength() == null ? -1 : first.response().contentLength();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream of " + where + " is closed");
        }
        if (len == 0) {
            return 0;
        }
        Throwable broken = null;
        for (int attempt = 1; ; attempt++) {
            if (body != null) {
                try {
                    int n = body.read(b, off, len);
                    if (n > 0) {
                        position += n;
                        return n;
                    }
                    if (n < 0 && (length < 0 || position >= length)) {
                        return -1;
                    }
                    broken = new IOException("the body ended at byte " + position + " of " + length);
                } catch (InterruptedIOException e) {
                    throw e;
                } catch (IOException | UncheckedIOException | SdkException e) {
                    broken = e;
                }
                discard();
            }
            if (attempt >= backoff.attempts()) {
                throw new StorageException("could not read " + where + ": the connection broke at byte " + position
                        + (length < 0 ? "" : " of " + length) + " and " + (backoff.attempts() - 1)
                        + " attempts to go on from there failed; last: " + describe(broken), true, broken);
            }
            backoff.pause(attempt + 1);
            try {
                body = rest();
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    throw new StorageException(where + " was replaced while it was being read (at byte " + position
                            + "): its ETag is no longer " + etag + "; read it again from the start", false, e);
                }
                if (e.statusCode() == 404) {
                    throw new StorageException(where + " was deleted while it was being read (at byte " + position
                            + ")", false, e);
                }
                broken = e;
            } catch (SdkException e) {
                broken = e;
            }
        }
    }

    /** The object from {@link #position} on, if it is still the version first read. */
    private ResponseInputStream<GetObjectResponse> rest() {
        ResponseInputStream<GetObjectResponse> rest = s3.getObject(GetObjectRequest.builder().bucket(bucket)
                .key(objectKey).range("bytes=" + position + "-").ifMatch(etag).build());
        String range = rest.response().contentRange();
        if (range == null || !range.startsWith("bytes " + position + "-")) {
            rest.abort();
            throw new StorageException("could not go on reading " + where + " at byte " + position + ": the server"
                    + " answered a ranged request with " + (range == null ? "the whole object" : "range " + range),
                    false, null);
        }
        return rest;
    }

    private void discard() {
        ResponseInputStream<GetObjectResponse> broken = body;
        body = null;
        if (broken != null) {
            broken.abort(); // drop the connection rather than drain a body that is broken anyway
            try {
                broken.close();
            } catch (IOException | RuntimeException ignored) {
                // already broken
            }
        }
    }

    private static String describe(Throwable t) {
        return t == null ? "no answer" : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (body != null && (length >= 0 && position < length)) {
                body.abort();
            }
            if (body != null) {
                try {
                    body.close();
                } catch (IOException | RuntimeException ignored) {
                    // nothing more to read
                }
            }
            body = null;
        }
    }
}
