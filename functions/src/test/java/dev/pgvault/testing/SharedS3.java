package dev.pgvault.testing;

import com.adobe.testing.s3mock.S3MockApplication;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;

/**
 * One in-process S3 protocol server (Adobe S3Mock) for the whole test JVM; it takes seconds
 * to start, so classes share it and isolate themselves by bucket ({@link #newBucket()}).
 */
public final class SharedS3 {
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3MockApplication server;

    private SharedS3() {}

    public static synchronized URI endpoint() {
        if (server == null) {
            server = S3MockApplication.start(new java.util.HashMap<>(Map.of(
                    S3MockApplication.PROP_HTTP_PORT, S3MockApplication.RANDOM_PORT,
                    S3MockApplication.PROP_HTTPS_PORT, S3MockApplication.RANDOM_PORT,
                    S3MockApplication.PROP_SILENT, true,
                    "com.adobe.testing.s3mock.max-payload-size", "64MB",
                    "spring.main.banner-mode", "off")));
            S3MockApplication started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "stop-test-s3"));
        }
        return URI.create("http://127.0.0.1:" + server.getHttpPort());
    }

    /** A client the way pgvault builds one (URLConnection HTTP client), pointed at the test server. */
    public static S3Client client() {
        return client(endpoint());
    }

    public static S3Client client(URI endpoint) {
        return clientBuilder(endpoint).build();
    }

    /** The builder behind {@link #client(URI)}, for tests that add settings (timeouts, retries). */
    public static S3ClientBuilder clientBuilder(URI endpoint) {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create());
    }

    /** A new empty bucket with a unique name. */
    public static String newBucket() {
        String name = "pgvault-test-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
        try (S3Client s3 = client()) {
            s3.createBucket(CreateBucketRequest.builder().bucket(name).build());
        }
        return name;
    }
}
