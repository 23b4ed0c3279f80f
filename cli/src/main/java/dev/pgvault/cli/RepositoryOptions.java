package dev.pgvault.cli;

import dev.pgvault.repository.BackupStore;
import picocli.CommandLine.Option;

/**
 * --repo and how to reach it; mixed into every command that reads or writes backups. Whether
 * --repo is required depends on the command (restore --file and drill do without), so
 * {@link #open()} checks it.
 */
public final class RepositoryOptions {
    @Option(names = "--repo", paramLabel = "REPO",
            description = "Where backups live: s3://bucket/prefix or a local directory.")
    String repo;

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "An S3-compatible endpoint instead of AWS (path-style addressing).")
    String s3Endpoint;

    @Option(names = "--region", paramLabel = "REGION", description = "AWS region (default: AWS_REGION or the profile's).")
    String region;

    boolean given() {
        return repo != null;
    }

    BackupStore open() {
        return open(null);
    }

    /** @param objectLock retention for what is written to an S3 bucket with Object Lock, or null */
    BackupStore open(dev.pgvault.repository.ObjectLock objectLock) {
        if (repo == null) {
            throw new UsageError("--repo is required: s3://bucket/prefix or a local directory");
        }
        return RepositoryLocation.open(repo, s3Endpoint, region, objectLock);
    }
}
