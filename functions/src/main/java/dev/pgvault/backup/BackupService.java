package dev.pgvault.backup;

import dev.pgvault.Version;
import dev.pgvault.archive.BackupStream;
import dev.pgvault.archive.ContentHash;
import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.ManifestCodec;
import dev.pgvault.dump.DatabaseErrors;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.dump.DumpResult;
import dev.pgvault.dump.Dumper;
import dev.pgvault.errors.BackupFailedException;
import dev.pgvault.errors.BackupInProgressException;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.PgvaultException;
import dev.pgvault.errors.UnsupportedObjectException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.PendingObject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one backup: dump, compress, [encrypt], hash and upload in one pass, then the manifest.
 *
 * <p>The object becomes visible only after the dump finished without error, and the manifest
 * only after that; any failure aborts the upload, so a failed run leaves nothing that looks
 * like a backup. A second run for the same key (a duplicate schedule delivery) finds the
 * manifest, or the first run's lock, and stands down without touching anything.
 */
public final class BackupService {
    private static final Logger LOG = LoggerFactory.getLogger(BackupService.class);

    /** Opens a connection to the database being backed up. */
    @FunctionalInterface
    public interface ConnectionSource {
        Connection open() throws SQLException;
    }

    private final BackupStore store;
    private final ConnectionSource database;
    private final BackupMetrics metrics;
    private final Clock clock;
    private final DumpOptions dumpOptions;

    public BackupService(BackupStore store, ConnectionSource database, BackupMetrics metrics, Clock clock,
                         DumpOptions dumpOptions) {
        this.store = store;
        this.database = database;
        this.metrics = metrics;
        this.clock = clock;
        this.dumpOptions = dumpOptions;
    }

    public BackupOutcome run(BackupRequest request, DumpProgress progress) {
        return run(request, progress, dev.pgvault.run.Cancellation.none());
    }

    /**
     * Takes the backup; {@code cancellation} stops it from another thread (watchdog, signal):
     * the upload is aborted and the lock released before the run ends with
     * {@link dev.pgvault.errors.RunCancelledException}.
     */
    public BackupOutcome run(BackupRequest request, DumpProgress progress, dev.pgvault.run.Cancellation cancellation) {
        Instant started = clock.instant();
        String suffix = ".sql" + request.compression().suffix() + request.encryptor().keySuffix();
        BackupKey key = BackupKey.create(request.kind(), request.backupName(), started, suffix);
        if (store.stat(key.manifestKey()).isPresent()) {
            LOG.info("backup {} already exists; nothing to do", key);
            return BackupOutcome.alreadyComplete(key.key(), null);
        }
        BackupLock lock;
        try {
            lock = BackupLock.acquire(store, key.lockKey(), UUID.randomUUID().toString(), started,
                    started.plus(request.lease()));
        } catch (BackupInProgressException e) {
            LOG.info("backup {} is being written by another run; standing down", key);
            return BackupOutcome.held(key.key(), null);
        }
        try (lock) {
            Manifest manifest = write(key, request, started, progress);
            metrics.backupSucceeded(request.kind().toString(), Duration.ofMillis(manifest.durationMillis()),
                    manifest.storedBytes(), manifest.rawBytes(), manifest.totalRows(), manifest.finishedAt());
            LOG.info("backup {} written: {} tables, {} rows, {} bytes stored", key, manifest.tables().size(),
                    manifest.totalRows(), manifest.storedBytes());
            return BackupOutcome.written(key.key(), manifest);
        } catch (RuntimeException e) {
            // What the operator must fix (unsupported objects, configuration) stays what it is;
            // anything else becomes a BackupFailedException naming the key, its cause kept.
            RuntimeException failure = e instanceof UnsupportedObjectException || e instanceof ConfigurationException
                    || e instanceof InvalidRequestException
                    ? e
                    : new BackupFailedException("backup " + key + " to " + store.location() + " failed: "
                            + e.getMessage() + "; nothing was stored under that key", e);
            metrics.backupFailed(request.kind().toString(), dev.pgvault.errors.FailureClass.of(failure));
            LOG.error("backup {} failed: {}", key, failure.getMessage());
            throw failure;
        }
    }

    private Manifest write(BackupKey key, BackupRequest request, Instant started, DumpProgress progress) {
        try (Connection connection = database.open()) {
            PendingObject pending = store.create(key.key(), estimatedSize(connection));
            try {
                BackupStream stream = BackupStream.open(pending, request.compression(), request.compressionLevel(),
                        request.encryptor());
                DumpResult dump;
                BackupStream.Totals totals;
                try {
                    dump = new Dumper(dumpOptions).dump(connection, stream.sql(), progress);
                    totals = stream.finish();
                } catch (RuntimeException | java.io.IOException e) {
                    stream.abort();
                    throw e;
                }
                pending.commit();
                Instant finished = clock.instant();
                Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, "pgvault " + Version.current(), key.key(),
                        request.kind().toString(), request.backupName(),
                        new Manifest.Database(dump.database(), dump.serverVersion(), dump.serverVersionNum()),
                        dump.snapshotTime(), null, started, finished, Duration.between(started, finished).toMillis(),
                        totals.rawBytes(), totals.storedBytes(), totals.sha256(),
                        new Manifest.CompressionInfo(request.compression().id(), request.compressionLevel()),
                        totals.encryption(), ContentHash.ALGORITHM, dump.tables(), dump.largeObjects());
                writeManifest(key, manifest);
                return manifest;
            } finally {
                pending.abort(); // no-op after a commit
            }
        } catch (SQLException e) {
            throw new PgvaultException("could not connect to or read the database: "
                    + DatabaseErrors.describe(e), e);
        } catch (java.io.IOException e) {
            throw new PgvaultException("the backup stream failed: " + e.getMessage(), e);
        }
    }

    private void writeManifest(BackupKey key, Manifest manifest) {
        try {
            store.put(key.manifestKey(), ManifestCodec.encode(manifest));
        } catch (RuntimeException e) {
            // Without its manifest the object is not a backup; don't leave it to be mistaken for one.
            try {
                store.delete(key.key());
            } catch (RuntimeException ignored) {
                // listing ignores an object without a manifest anyway
            }
            throw e;
        }
    }

    /** The database's size on disk, to size upload parts; the stored backup is usually smaller. */
    private static long estimatedSize(Connection connection) {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_database_size(current_database())")) {
            return rs.next() ? rs.getLong(1) : -1;
        } catch (SQLException e) {
            return -1;
        }
    }
}
