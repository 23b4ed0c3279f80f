package dev.pgvault.cli;

import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.repository.S3Retries;
import dev.pgvault.repository.S3Store;
import java.net.URI;
import java.nio.file.Path;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/** A --repo value: {@code s3://bucket[/prefix]} or a local directory. */
public final class RepositoryLocation {
    private RepositoryLocation() {}

    /**
     * @param s3Endpoint an S3-compatible endpoint (path-style), or null for AWS
     * @param region     the AWS region, or null for the SDK's default chain (AWS_REGION, profile)
     */
    public static BackupStore open(String repo, String s3Endpoint, String region) {
        if (repo == null || repo.isBlank()) {
            throw new InvalidRequestException("--repo is required: s3://bucket/prefix or a directory");
        }
        if (!repo.startsWith("s3://")) {
            if (repo.contains("://")) {
                throw new InvalidRequestException("--repo " + repo + ": only s3:// URLs and local directories are supported");
            }
            return new DirectoryStore(Path.of(repo));
        }
        String rest = repo.substring("s3://".length());
        int slash = rest.indexOf('/');
        String bucket = slash < 0 ? rest : rest.substring(0, slash);
        String prefix = slash < 0 ? "" : rest.substring(slash + 1);
        if (bucket.isEmpty()) {
            throw new InvalidRequestException("--repo " + repo + " names no bucket");
        }
        S3ClientBuilder builder = S3Retries.configure(S3Client.builder().httpClient(UrlConnectionHttpClient.create()));
        if (region != null) {
            builder.region(Region.of(region));
        }
        if (s3Endpoint != null) {
            builder.endpointOverride(URI.create(s3Endpoint)).forcePathStyle(true);
        }
        return new S3Store(builder.build(), bucket, prefix);
    }
}
