package dev.pgvault.repository;

import java.time.Duration;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * How every S3 client pgvault builds retries: about ten attempts with exponential backoff on
 * throttling (503 SlowDown), 5xx, timeouts and broken connections. The SDK's default of three
 * attempts lets one throttled part kill a 14-minute backup. Throttling backs off from a longer
 * base, as S3 asks. The retry quota ("circuit breaker") is off: one process runs one backup, and
 * its last part deserves its ten attempts however many earlier parts were retried. Part uploads
 * retry too: their bodies come from a content provider the SDK can read again.
 */
public final class S3Retries {
    public static final int MAX_ATTEMPTS = 10;
    private static final Duration BASE = Duration.ofMillis(200);
    private static final Duration THROTTLING_BASE = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(20);

    private S3Retries() {}

    /** Applies pgvault's retry strategy to {@code builder} (keeping its other override settings). */
    public static S3ClientBuilder configure(S3ClientBuilder builder) {
        return configure(builder, strategy(MAX_ATTEMPTS, BASE, THROTTLING_BASE));
    }

    static S3ClientBuilder configure(S3ClientBuilder builder, RetryStrategy strategy) {
        return builder.overrideConfiguration(builder.overrideConfiguration().toBuilder().retryStrategy(strategy).build());
    }

    /** The strategy with other delays: tests use milliseconds. */
    static RetryStrategy strategy(int attempts, Duration base, Duration throttlingBase) {
        return AwsRetryStrategy.standardRetryStrategy().toBuilder()
                .maxAttempts(attempts)
                .backoffStrategy(BackoffStrategy.exponentialDelay(base, MAX_BACKOFF))
                .throttlingBackoffStrategy(BackoffStrategy.exponentialDelay(throttlingBase, MAX_BACKOFF))
                .circuitBreakerEnabled(false)
                .build();
    }
}
