package dev.pgvault.archive;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import dev.pgvault.archive.crypto.EncryptionParameters;

/**
 * What a backup holds, written beside it as {@code <key>.manifest.json} once the backup object
 * is complete. A backup without its manifest is not a backup: listing, tiering and
 * verification ignore it. Never holds a secret.
 *
 * @param source     which server and database the backup was taken from (absent in manifests
 *                   written before pgvault recorded it)
 * @param encryption mode and public parameters ({@code {"mode": "none"}} when unencrypted; never keys)
 * @param tables       per table, the row count and order-independent content hash taken while dumping
 * @param largeObjects how many large objects and the same kind of hash over each one's oid and
 *                     content; absent when the database has none
 * @param signing      which key signs this manifest (its signature is the sidecar beside it);
 *                     absent in manifests written before pgvault signed them
 * @param globals      the roles script beside the backup ({@code backup --globals}); absent without it
 * @param relations    how many relations (with TOAST tables and their indexes) a restore creates and
 *                     locks, for the restore's lock-table preflight; absent in older manifests
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@com.fasterxml.jackson.annotation.JsonPropertyOrder({"formatVersion", "tool", "type"})
public record Manifest(
        int formatVersion,
        String tool,
        String key,
        String kind,
        String backupName,
        Database database,
        Source source,
        Instant snapshotTime,
        String snapshotId,
        Instant startedAt,
        Instant finishedAt,
        long durationMillis,
        long rawBytes,
        long storedBytes,
        String sha256,
        CompressionInfo compression,
        EncryptionParameters encryption,
        String contentHashAlgorithm,
        List<Table> tables,
        LargeObjects largeObjects,
        Signing signing,
        Globals globals,
        Long relations) {

    public static final int FORMAT_VERSION = 1;

    /**
     * The artifact type every manifest names ({@link dev.pgvault.repository.ArtifactType}): a
     * database backup's is always "database", written for readers of the repository (listing,
     * tiering) that meet configuration and code manifests beside it; read back, it is derived.
     */
    @com.fasterxml.jackson.annotation.JsonProperty(value = "type", access = com.fasterxml.jackson.annotation.JsonProperty.Access.READ_ONLY)
    public String type() {
        return dev.pgvault.repository.ArtifactType.DATABASE.id();
    }

    public record Database(String name, String serverVersion, int serverVersionNum) {}

    /** How the manifest is signed: the algorithm and the signing key's fingerprint. */
    public record Signing(String algorithm, String keyId) {}

    /**
     * The source's identity: the cluster's system identifier (from {@code pg_control_system()};
     * null where the role may not read it), the host and port it was reached at, and the database.
     */
    public record Source(String systemIdentifier, String host, int port, String database) {
        /**
         * Whether two backups come from the same database: the same cluster (system identifier,
         * which a point-in-time restore keeps) and database name; where either lacks the
         * identifier, the same host, port and database.
         */
        public boolean sameAs(Source other) {
            if (!database.equals(other.database)) {
                return false;
            }
            if (systemIdentifier != null && other.systemIdentifier != null) {
                return systemIdentifier.equals(other.systemIdentifier);
            }
            return host.equalsIgnoreCase(other.host) && port == other.port;
        }

        /** "host:port/database (system 7714...)" for messages. */
        public String describe() {
            return host + ":" + port + "/" + database
                    + (systemIdentifier == null ? "" : " (system identifier " + systemIdentifier + ")");
        }
    }

    public record CompressionInfo(String algorithm, int level) {}

    /** The roles script as stored (encrypted like the object): its SHA-256 and size, and what it creates. */
    public record Globals(String sha256, long storedBytes, int roles, int memberships, int settings) {}

    public record LargeObjects(long count, String contentHash) {}

    public record Table(String schema, String name, long rows, String contentHash) {
        public String qualifiedName() {
            return schema + "." + name;
        }
    }

    public long totalRows() {
        return tables.stream().mapToLong(Table::rows).sum();
    }

    public String encryptionMode() {
        return encryption == null ? "none" : encryption.mode();
    }
}
