package dev.pgvault.backup;

import dev.pgvault.Version;
import dev.pgvault.archive.BackupStream;
import dev.pgvault.archive.ContentHash;
import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.ManifestCodec;
import dev.pgvault.archive.signing.ManifestSigner;
import dev.pgvault.archive.signing.SigningKeys;
import dev.pgvault.archive.signing.TrustedKeys;
import dev.pgvault.config.CpuShare;
import dev.pgvault.dump.DatabaseErrors;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.dump.DumpResult;
import dev.pgvault.dump.Dumper;
import dev.pgvault.dump.GlobalsDump;
import dev.pgvault.dump.RelationCount;
import dev.pgvault.errors.BackupFailedException;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.errors.DatabaseUnavailableException;
import dev.pgvault.errors.IntegrityException;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.LockLostException;
import dev.pgvault.errors.ObjectExistsException;
import dev.pgvault.errors.PgvaultException;
import dev.pgvault.errors.RunCancelledException;
import dev.pgvault.errors.StorageException;
import dev.pgvault.errors.UnsupportedObjectException;
import dev.pgvault.errors.WrongSourceException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupArtifacts;
import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.PendingObject;
import dev.pgvault.repository.Versioned;
import dev.pgvault.run.Cancellation;
import dev.pgvault.run.ConnectionAbort;
import dev.pgvault.verify.SignedManifests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes one backup: dump, compress, [encrypt], hash and upload in one pass, then the manifest.
 *
 * <p>Every run ends in one true outcome. Written: the object was committed (never over
 * another) and then its manifest (never over another). Already complete: a manifest of the
 * same source is under the key. Held: a live run holds the key's lock. Anything else is an
 * exception, after which nothing that looks like a backup was left: the upload is aborted,
 * the lock released. The run checks, before it writes a byte, that the source is who it should
 * be (a database with user tables; the same database as a backup already under the key).
 *
 * <p>Failure metrics are not emitted here: the run wrapper ({@link dev.pgvault.run.GuardedRun})
 * reports every failure, including those before this service is reached.
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
    private final LeaseTimes leaseTimes;
    private final ManifestSigner signer;

    public BackupService(BackupStore store, ConnectionSource database, BackupMetrics metrics, Clock clock,
                         DumpOptions dumpOptions, ManifestSigner signer) {
        this(store, database, metrics, clock, dumpOptions, signer, LeaseTimes.DEFAULT);
    }

    public BackupService(BackupStore store, ConnectionSource database, BackupMetrics metrics, Clock clock,
                         DumpOptions dumpOptions, ManifestSigner signer, LeaseTimes leaseTimes) {
        this.store = store;
        this.database = database;
        this.metrics = metrics;
        this.clock = clock;
        this.dumpOptions = dumpOptions;
        this.signer = signer;
        this.leaseTimes = leaseTimes;
    }

    public BackupOutcome run(BackupRequest request, DumpProgress progress) {
        return run(request, progress, Cancellation.none());
    }

    /**
     * Takes the backup; {@code cancellation} stops it from another thread (watchdog, signal):
     * the upload is aborted and the lock released before the run ends with
     * {@link RunCancelledException}.
     */
    public BackupOutcome run(BackupRequest request, DumpProgress progress, Cancellation cancellation) {
        Instant started = clock.instant();
        String suffix = BackupArtifacts.objectSuffix(request.compression(), request.encryptor());
        BackupKey key = BackupKey.create(request.kind(), request.backupName(), started, suffix);
        cancellation.check();
        try (Connection connection = database.open()) {
            // Closing the connection is what wakes a dump blocked on the server; the run then
            // unwinds through its normal failure path (abort the upload, release the lock).
            Runnable stop = () -> ConnectionAbort.quietly(connection);
            cancellation.onCancel(stop);
            try {
                return runConnected(key, request, connection, progress, cancellation, stop);
            } finally {
                cancellation.forget(stop);
            }
        } catch (RuntimeException e) {
            throw classify(key, e, cancellation);
        } catch (SQLException e) {
            throw classify(key, new PgvaultException("could not read the database: " + DatabaseErrors.describe(e), e),
                    cancellation);
        }
    }

    private BackupOutcome runConnected(BackupKey key, BackupRequest request, Connection connection,
                                       DumpProgress progress, Cancellation cancellation, Runnable stop)
            throws SQLException {
        SourceDatabase source = SourceDatabase.inspect(connection);
        LOG.info("connected to {}: {}", source.identity().describe(),
                dev.pgvault.config.DatabaseTarget.negotiatedTlsOf(connection).line());
        if (source.userTables() == 0 && !request.allowEmpty()) {
            throw new WrongSourceException("database " + source.identity().describe() + " holds no user tables:"
                    + " is it the right database? (allow it with --allow-empty or PGVAULT_ALLOW_EMPTY=true)");
        }
        Optional<BackupOutcome> done = alreadyComplete(key, source.identity(), request);
        if (done.isPresent()) {
            return done.get();
        }
        String runId = UUID.randomUUID().toString();
        BackupLock lock;
        try {
            lock = BackupLock.acquire(store, key.lockKey(), runId, request.owner(), clock, leaseTimes, stop,
                    cancellation);
        } catch (BackupLock.Held held) {
            LOG.info("backup {} is being written by another run ({}); standing down", key, held.getMessage());
            metrics.backupSkipped(request.kind().toString(), BackupOutcome.Status.HELD);
            return BackupOutcome.held(key.key(), held.holder());
        }
        try (lock) {
            // A run that finished while we waited for its lock wrote its manifest: look again.
            done = alreadyComplete(key, source.identity(), request);
            if (done.isPresent()) {
                return done.get();
            }
            removeOrphan(key);
            Optional<Manifest> previous = previousBackup(request.backupName(), source.identity());
            Manifest manifest;
            try {
                // The backup's own duration starts here, not before a wait for another run's lock.
                manifest = write(key, request, clock.instant(), connection, source.identity(), progress, lock,
                        cancellation);
            } catch (RuntimeException | SQLException | IOException e) {
                if (lock.lostBecause() != null) {
                    throw new LockLostException("backup " + key + " stopped: " + lock.lostBecause()
                            + "; nothing was stored under that key by this run", e);
                }
                throw e instanceof SQLException sql
                        ? new PgvaultException("could not read the database: " + DatabaseErrors.describe(sql), sql)
                        : e instanceof IOException io
                        ? new PgvaultException("the backup stream failed: " + io.getMessage(), io)
                        : (RuntimeException) e;
            }
            metrics.backupSucceeded(request.kind().toString(), Duration.ofMillis(manifest.durationMillis()),
                    manifest.storedBytes(), manifest.rawBytes(), manifest.totalRows(), manifest.finishedAt());
            List<String> warnings = shrinkWarnings(request, previous, manifest);
            LOG.info("backup {} written: {} tables, {} rows, {} bytes stored", key, manifest.tables().size(),
                    manifest.totalRows(), manifest.storedBytes());
            return BackupOutcome.written(key.key(), manifest, warnings);
        }
    }

    /** The outcome when a manifest is already under the key: complete if of this source, else refused. */
    private Optional<BackupOutcome> alreadyComplete(BackupKey key, Manifest.Source source, BackupRequest request) {
        if (store.stat(key.manifestKey()).isEmpty()) {
            return Optional.empty();
        }
        // A manifest we did not sign must not make the day's backup stand down: a forger who can
        // write to the bucket could otherwise stop every backup with one planted file.
        Manifest manifest;
        try {
            manifest = SignedManifests.read(store, key.key(), TrustedKeys.of(List.of(signer.publicKey())), false,
                    LOG::warn).manifest();
        } catch (IntegrityException e) {
            throw new IntegrityException("a manifest this deployment did not sign is already under " + key
                    + " (" + e.getMessage() + "). It is not taken as today's backup: check who wrote it, remove it"
                    + " and its object, then run the backup again", e);
        }
        boolean same = manifest.source() != null ? manifest.source().sameAs(source)
                : manifest.database().name().equals(source.database());
        if (!same) {
            throw new WrongSourceException("a backup of another database ("
                    + (manifest.source() == null ? manifest.database().name() : manifest.source().describe())
                    + ") is already under " + key + ", and this run reached " + source.describe()
                    + ": check the database this backup name is for, or give this database its own name");
        }
        LOG.info("backup {} already exists; nothing to do", key);
        metrics.backupSkipped(request.kind().toString(), BackupOutcome.Status.ALREADY_COMPLETE);
        return Optional.of(BackupOutcome.alreadyComplete(key.key(), manifest));
    }

    /**
     * An object under the key without a manifest, found while we hold the lock, was left by a run
     * that died between its upload and its manifest. It is not a backup; ours replaces it.
     */
    private void removeOrphan(BackupKey key) {
        int aborted = store.abortUnfinished(key.key());
        if (aborted > 0) {
            LOG.warn("aborted {} unfinished upload(s) of {} left by a run that died", aborted, key);
        }
        for (String orphan : List.of(key.key(), signatureKey(key), globalsKey(key))) {
            if (store.stat(orphan).isPresent()) {
                LOG.warn("removing {}: an interrupted run left it without a manifest", orphan);
                try {
                    store.delete(orphan);
                } catch (StorageException e) {
                    // Under least privilege the backup role may not delete backups: an operator must.
                    throw new StorageException("backup " + key + ": an interrupted run left " + orphan + " without a"
                            + " manifest, and this run may not delete it (" + e.getMessage() + "); nothing was written."
                            + " Look at it and remove it as an operator (aws s3 rm " + store.location() + "/" + orphan
                            + "), then take a manual backup; tomorrow's key is not affected", false, e);
                }
            }
        }
    }

    /** Where a backup's manifest signature is stored. */
    private static String signatureKey(BackupKey key) {
        return BackupArtifacts.Sidecar.MANIFEST_SIGNATURE.keyFor(key.key());
    }

    private Manifest write(BackupKey key, BackupRequest request, Instant started, Connection connection,
                           Manifest.Source source, DumpProgress progress, BackupLock lock, Cancellation cancellation)
            throws SQLException, IOException {
        // Part sizes follow from the stream, never from the database's size: memory stays flat.
        // Roles are the instance's, not the snapshot's: read before the dump, written beside it after.
        GlobalsDump.Globals globals = dumpOptions.globals() ? GlobalsDump.read(connection) : null;
        long relations = RelationCount.of(connection); // before the snapshot: an estimate for the restore's preflight
        PendingObject pending = store.create(key.key(), -1);
        try {
            BackupStream stream = BackupStream.open(pending, request.compression(), request.compressionLevel(),
                    request.encryptor(), CpuShare.cores());
            DumpResult dump;
            BackupStream.Totals totals;
            try {
                dump = new Dumper(dumpOptions).dump(connection, stream.sql(), progress, database::open);
                totals = stream.finish();
            } catch (RuntimeException | IOException e) {
                stream.abort();
                throw e;
            }
            cancellation.check();
            String lost = lock.confirm();
            if (lost != null) {
                throw new LockLostException("backup " + key + " stopped before committing: " + lost
                        + "; nothing was stored under that key by this run", null);
            }
            pending.commit();
            Manifest.Globals storedGlobals = globals == null ? null : writeGlobals(key, request, globals);
            Instant finished = clock.instant();
            Manifest manifest = new Manifest(Manifest.FORMAT_VERSION, "pgvault " + Version.current(), key.key(),
                    request.kind().toString(), request.backupName(),
                    new Manifest.Database(dump.database(), dump.serverVersion(), dump.serverVersionNum()), source,
                    dump.snapshotTime(), null, started, finished,
                    Duration.between(started, finished).toMillis(), totals.rawBytes(), totals.storedBytes(),
                    totals.sha256(), new Manifest.CompressionInfo(request.compression().id(), request.compressionLevel()),
                    totals.encryption(), ContentHash.ALGORITHM, dump.tables(), dump.largeObjects(),
                    new Manifest.Signing(SigningKeys.ALGORITHM_ID, signer.keyId()), storedGlobals, relations);
            writeManifest(key, manifest);
            return manifest;
        } finally {
            pending.abort(); // no-op after a commit
        }
    }

    /**
     * Writes the roles script beside the object, encrypted as the object is (a role list is no
     * secret, but an encrypted repository should hold nothing in the clear), before the manifest
     * that records its SHA-256: the signed manifest is what vouches for it.
     */
    private Manifest.Globals writeGlobals(BackupKey key, BackupRequest request, GlobalsDump.Globals globals)
            throws IOException {
        // The backup's own pipeline without the compressor: the same encryption, and the SHA-256 of what is stored.
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        BackupStream stream = BackupStream.openUncompressed(stored, request.encryptor());
        stream.sql().write(globals.sql().getBytes(StandardCharsets.UTF_8));
        BackupStream.Totals totals = stream.finish();
        String globalsKey = globalsKey(key);
        if (store.putIfAbsent(globalsKey, stored.toByteArray()).isEmpty()) {
            throw new ObjectExistsException("another run wrote " + globalsKey + " while this run held the lock;"
                    + " the object under " + key + " is this run's: both are left as they are for inspection");
        }
        return new Manifest.Globals(totals.sha256(), totals.storedBytes(), globals.roles(), globals.memberships(),
                globals.settings());
    }

    /** Where a backup's roles script is stored. */
    private static String globalsKey(BackupKey key) {
        return BackupArtifacts.Sidecar.GLOBALS.keyFor(key.key());
    }

    /**
     * Writes the manifest's signature, then the manifest, each never over another: the manifest
     * stays the last thing written, so a run that dies in between leaves no complete-looking
     * backup. A write whose answer was lost (it may have landed) is checked by reading the
     * manifest back before anything is deleted.
     */
    private void writeManifest(BackupKey key, Manifest manifest) {
        byte[] encoded = ManifestCodec.encode(manifest);
        if (store.putIfAbsent(signatureKey(key), signer.sign(encoded)).isEmpty()) {
            throw new ObjectExistsException("another run wrote " + signatureKey(key) + " while this run held the"
                    + " lock; the object under " + key + " is this run's: both are left as they are for inspection");
        }
        try {
            if (store.putIfAbsent(key.manifestKey(), encoded).isPresent()) {
                return;
            }
            if (!describesOurObject(key, manifest)) {
                throw new ObjectExistsException("another run wrote " + key.manifestKey() + " while this run held"
                        + " the lock; the object under " + key + " is this run's (sha256 " + manifest.sha256()
                        + "): both are left as they are for inspection");
            }
        } catch (ObjectExistsException e) {
            throw e;
        } catch (StorageException e) {
            boolean landed;
            try {
                landed = describesOurObject(key, manifest);
            } catch (RuntimeException unreadable) {
                e.addSuppressed(unreadable);
                throw e; // cannot tell: leave the object, which lists as incomplete
            }
            if (landed) {
                LOG.warn("writing {} reported a failure but the manifest is there and ours: {}", key.manifestKey(),
                        e.getMessage());
                return;
            }
            // Without its manifest the object is not a backup; don't leave it to be mistaken for one.
            try {
                store.delete(key.key());
                store.delete(signatureKey(key));
                store.delete(globalsKey(key));
            } catch (RuntimeException ignored) {
                // listing shows an object without a manifest as incomplete anyway
            }
            throw e;
        }
    }

    private boolean describesOurObject(BackupKey key, Manifest ours) {
        Optional<Versioned> stored = store.readVersioned(key.manifestKey());
        return stored.isPresent()
                && ManifestCodec.decode(stored.get().content(), key.manifestKey()).sha256().equals(ours.sha256());
    }

    /** The newest earlier backup of this name and source, to notice a backup that shrank. */
    private Optional<Manifest> previousBackup(String backupName, Manifest.Source source) {
        try {
            BackupCatalog catalog = new BackupCatalog(store);
            return catalog.latest(backupName).map(entry -> catalog.manifest(entry.key().key()))
                    .filter(m -> m.source() == null || m.source().sameAs(source));
        } catch (RuntimeException e) {
            LOG.warn("could not read the previous backup of {} to compare sizes: {}", backupName, e.getMessage());
            return Optional.empty();
        }
    }

    /** A backup with less than half the rows or bytes of the previous one is worth a look. */
    private List<String> shrinkWarnings(BackupRequest request, Optional<Manifest> previous, Manifest manifest) {
        List<String> warnings = new ArrayList<>();
        if (previous.isEmpty()) {
            return warnings;
        }
        Manifest before = previous.get();
        shrank(request, "rows", before.totalRows(), manifest.totalRows(), before.key(), warnings);
        shrank(request, "bytes", before.rawBytes(), manifest.rawBytes(), before.key(), warnings);
        return warnings;
    }

    private void shrank(BackupRequest request, String what, long before, long now, String previousKey,
                        List<String> warnings) {
        if (before > 0 && now * 2 < before) {
            String warning = String.format("this backup holds %,d %s, less than half of the %,d in %s", now, what,
                    before, previousKey);
            LOG.warn("{}", warning);
            metrics.backupShrank(request.kind().toString(), what, before, now);
            warnings.add(warning);
        }
    }

    /**
     * What a failure is reported as. What the operator must fix (the source, unsupported objects,
     * configuration, the connection) stays what it is; a stop requested by the watchdog or a signal
     * is reported as such; anything else becomes a BackupFailedException naming the key.
     */
    private RuntimeException classify(BackupKey key, RuntimeException e, Cancellation cancellation) {
        RunCancelledException cancelled = cancellation.exception();
        if (cancelled != null) {
            cancelled.initCause(e);
            return cancelled;
        }
        if (e instanceof UnsupportedObjectException || e instanceof ConfigurationException
                || e instanceof InvalidRequestException || e instanceof WrongSourceException
                || e instanceof DatabaseUnavailableException || e instanceof RunCancelledException
                || e instanceof BackupFailedException || e instanceof LockLostException
                || e instanceof IntegrityException) {
            return e;
        }
        return new BackupFailedException("backup " + key + " to " + store.location() + " failed: " + e.getMessage()
                + "; nothing was stored under that key", e);
    }
}
