package dev.pgvault.repository;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The store's answer to "may trying again later help?", after the SDK's own retries gave up. */
class S3FailureRetryabilityTest {

    @Test
    void throttlingServerErrorsConflictsAndBrokenConnectionsAreRetryable() {
        assertThat(S3Store.isRetryable(s3(503, "SlowDown"))).isTrue();
        assertThat(S3Store.isRetryable(s3(500, "InternalError"))).isTrue();
        assertThat(S3Store.isRetryable(s3(429, "TooManyRequests"))).isTrue();
        assertThat(S3Store.isRetryable(s3(409, "ConditionalRequestConflict"))).isTrue();
        assertThat(S3Store.isRetryable(SdkClientException.create("Unable to execute HTTP request",
                new SocketTimeoutException("Read timed out")))).isTrue();
        assertThat(S3Store.isRetryable(SdkClientException.create("reset", new IOException("Connection reset")))).isTrue();
        assertThat(S3Store.isRetryable(ApiCallTimeoutException.create(60_000))).isTrue();
    }

    @Test
    void whatOnlyAPersonCanFixIsNot() {
        assertThat(S3Store.isRetryable(s3(403, "AccessDenied"))).isFalse();
        assertThat(S3Store.isRetryable(s3(404, "NoSuchBucket"))).isFalse();
        assertThat(S3Store.isRetryable(s3(400, "InvalidRequest"))).isFalse();
        assertThat(S3Store.isRetryable(s3(412, "PreconditionFailed"))).isFalse();
        assertThat(S3Store.isRetryable(SdkClientException.create(
                "Unable to load credentials from any of the providers in the chain"))).isFalse();
    }

    private static SdkException s3(int status, String code) {
        return S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }
}
