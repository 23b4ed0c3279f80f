package dev.pgvault.repository;

import java.time.Instant;

/** An object as a store lists it. {@code storageClass} is the S3 class, or "STANDARD" for a directory. */
public record StoredObject(String key, long size, Instant lastModified, String storageClass) {}
