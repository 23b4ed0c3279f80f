package dev.pgvault.repository;

import java.time.Instant;

/**
 * An upload that was started and neither completed nor aborted: an S3 multipart upload, or a
 * partial file in a directory store. A live run's upload looks the same as a killed run's;
 * {@code started} tells them apart for a reader who knows how long a run can take.
 */
public record UnfinishedUpload(String key, Instant started) {}
