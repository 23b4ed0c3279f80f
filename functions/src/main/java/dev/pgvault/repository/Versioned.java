package dev.pgvault.repository;

/**
 * A small object's content with the version tag (S3: its ETag) that a conditional write or
 * delete names, so that "replace what I read" fails when someone else wrote in between.
 */
public record Versioned(byte[] content, String etag) {}
