package dev.pgvault.dump;

import dev.pgvault.archive.Manifest;
import java.time.Instant;
import java.util.List;

/**
 * What a dump read: the server, the snapshot, each table's row count and content hash, and the
 * large objects' (null when the database has none).
 */
public record DumpResult(String database, String serverVersion, int serverVersionNum, Instant snapshotTime,
                         List<Manifest.Table> tables, Manifest.LargeObjects largeObjects) {}
