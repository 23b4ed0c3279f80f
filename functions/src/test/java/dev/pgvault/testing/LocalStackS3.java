package dev.pgvault.testing;

import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * LocalStack's S3 in a container (Testcontainers), the emulator the design names. A class using it
 * is marked {@code @Testcontainers(disabledWithoutDocker = true)}: without a Docker engine (as on
 * the build machines here) JUnit reports it skipped with the reason; moto_server runs the same tests.
 */
public final class LocalStackS3 implements S3Emulator {
    /** A pinned release: the tests rely on its Object Lock enforcement. */
    public static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:4.4.0");
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private final LocalStackContainer container;

    public LocalStackS3(LocalStackContainer container) {
        this.container = container;
    }

    /** The container to declare as a class's {@code @Container}. */
    public static LocalStackContainer container() {
        return new LocalStackContainer(IMAGE).withServices(LocalStackContainer.Service.S3);
    }

    @Override
    public S3ClientBuilder clientBuilder() {
        return S3Client.builder()
                .endpointOverride(container.getEndpoint())
                .region(Region.of(container.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(container.getAccessKey(), container.getSecretKey())))
                .forcePathStyle(true)
                .httpClient(UrlConnectionHttpClient.create());
    }

    @Override
    public String newObjectLockBucket() {
        String name = "pgvault-localstack-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
        try (S3Client s3 = clientBuilder().build()) {
            s3.createBucket(b -> b.bucket(name).objectLockEnabledForBucket(true));
        }
        return name;
    }
}
