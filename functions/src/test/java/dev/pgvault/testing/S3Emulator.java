package dev.pgvault.testing;

import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * An AWS emulator that enforces S3 Object Lock: {@link MotoServer} here, {@link LocalStackS3} where a
 * Docker engine answers. Object Lock tests are written once against this and run on both.
 */
public interface S3Emulator {
    /** A client builder pointed at the emulator (endpoint, region, credentials, path-style). */
    S3ClientBuilder clientBuilder();

    /** A new, empty bucket created with Object Lock (and so versioning) enabled. */
    String newObjectLockBucket();
}
