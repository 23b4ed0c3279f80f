package dev.pgvault.cli;

import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.repository.S3Retries;
import dev.pgvault.repository.ObjectLock;
import dev.pgvault.repository.S3Store;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** A --repo value: {@code s3://bucket[/prefix]} or a local directory. */
public final class RepositoryLocation {
    private RepositoryLocation() {}

    /**
     * @param s3Endpoint an S3-compatible endpoint (path-style), or null for AWS
     * @param region     the AWS region, or null for the SDK's default chain (AWS_REGION, profile)
     */
    public static BackupStore open(String repo, String s3Endpoint, String region) {
        return open(repo, s3Endpoint, region, null);
    }

    /** @param objectLock retention for what a backup writes to an S3 bucket with Object Lock, or null */
    public static BackupStore open(String repo, String s3Endpoint, String region, ObjectLock objectLock) {
        if (repo == null || repo.isBlank()) {
            throw new InvalidRequestException("--repo is required: s3://bucket/prefix or a directory");
        }
        if (!repo.startsWith("s3://")) {
            if (repo.contains("://")) {
                throw new InvalidRequestException("--repo " + repo + ": only s3:// URLs and local directories are supported");
            }
            Path directory = Path.of(repo);
            if (!Files.isDirectory(directory)) {
                throw new InvalidRequestException("no repository at " + directory.toAbsolutePath() + ": "
                        + (Files.exists(directory) ? "it is not a directory" : "no such directory (create it first)"));
            }
            if (objectLock != null) {
                throw new InvalidRequestException("--object-lock applies to an S3 repository, not to " + directory);
            }
            return new DirectoryStore(directory);
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
            URI endpoint;
            try {
                endpoint = URI.create(s3Endpoint);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException("--s3-endpoint '" + s3Endpoint + "' is not a URL");
            }
            builder.endpointOverride(endpoint).forcePathStyle(true);
        }
        S3Client s3 = builder.build();
        checkBucket(s3, bucket, repo);
        return objectLock == null ? new S3Store(s3, bucket, prefix) : new S3Store(s3, bucket, prefix, objectLock);
    }

    /**
     * A missing bucket is named before anything else is tried. Other answers (no permission to
     * list it, a redirect) are left to the operations that follow, which report them.
     */
    private static void checkBucket(S3Client s3, String bucket, String repo) {
        try {
            s3.headBucket(r -> r.bucket(bucket));
        } catch (NoSuchBucketException e) {
            throw new InvalidRequestException("no repository at " + repo + ": bucket " + bucket + " does not exist");
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new InvalidRequestException("no repository at " + repo + ": bucket " + bucket + " does not exist");
            }
        }
    }
}
