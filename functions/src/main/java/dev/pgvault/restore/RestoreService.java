package dev.pgvault.restore;

import dev.pgvault.archive.Compression;
import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.VerifyingInputStream;
import dev.pgvault.archive.crypto.DecryptingStream;
import dev.pgvault.archive.crypto.Decryptor;
import dev.pgvault.erasure.ErasureLedger;
import dev.pgvault.erasure.LedgerApplier;
import dev.pgvault.errors.WrongKeyException;
import dev.pgvault.errors.IntegrityException;
import dev.pgvault.errors.RestoreFailedException;
import dev.pgvault.errors.TargetNotEmptyException;
import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.verify.ContentCheck;
import dev.pgvault.verify.ManifestTrust;
import dev.pgvault.verify.SignedManifests;
import dev.pgvault.verify.VerificationResult;
import dev.pgvault.verify.VerificationStatus;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Restores a backup into a database, all or nothing: one transaction holds the whole script,
 * and it commits only after the stored object's SHA-256 matched its manifest and (by default)
 * every restored table matched the manifest's row counts and content hashes. A damaged,
 * truncated or altered backup, a failing statement or a mismatch rolls everything back.
 */
public final class RestoreService {
    private final BackupStore store;
    private final Clock clock;
    private final ManifestTrust trust;

    /** For scripts given as files ({@link #restoreScript}); backups from a repository are refused, trusting no key. */
    public RestoreService(BackupStore store, Clock clock) {
        this(store, clock, ManifestTrust.none());
    }

    /** @param trust which manifest signatures make a backup genuine */
    public RestoreService(BackupStore store, Clock clock, ManifestTrust trust) {
        this.store = store;
        this.clock = clock;
        this.trust = trust;
    }

    /**
     * Restores {@code keyOrLatest} from the repository into the target connection's database.
     * "latest" is taken only when the repository holds one backup name ({@link BackupCatalog#resolve(String, String)}).
     */
    public RestoreReport restore(String keyOrLatest, Connection target, String targetName, RestoreOptions options,
                                 Decryptor decryptor, ScriptApplier.Progress progress) {
        BackupCatalog catalog = new BackupCatalog(store);
        String key = catalog.resolve(keyOrLatest, null);
        // Before a byte of the backup is read: signed by a trusted key, and describing this object.
        Manifest manifest = SignedManifests.read(store, key, trust.keys(), trust.allowUnsigned(), trust.warn())
                .manifest();
        Instant started = clock.instant();
        return inTransaction(target, "backup " + key, targetName, options, () -> {
            prepare(target, options, manifest, progress);
            VerifyingInputStream stored = new VerifyingInputStream(
                    new BufferedInputStream(store.open(key), 1 << 16), manifest.sha256(), manifest.storedBytes(), key);
            ScriptApplier.Outcome outcome;
            try (stored) {
                outcome = applyChecked(stored, target, manifest, decryptor, progress, options.showRowData(), 0, null);
            }
            VerificationResult verification = null;
            if (options.verify()) {
                List<String> differences = ContentCheck.differences(target, manifest);
                verification = new VerificationResult(key,
                        differences.isEmpty() ? VerificationStatus.OK : VerificationStatus.CONTENT_MISMATCH,
                        differences, clock.instant(), Duration.between(started, clock.instant()));
                if (!differences.isEmpty()) {
                    throw new RestoreFailedException("the restored database does not match backup " + key + "'s"
                            + " manifest: " + String.join("; ", differences) + "; the restore was rolled back");
                }
            }
            // Compared exactly first, then erased: the erasure ledger is applied in the same transaction.
            LedgerApplier.Applied erased = erase(target, decryptor, progress);
            target.commit();
            return new RestoreReport(key, targetName, outcome.tables(), outcome.rows(),
                    Duration.between(started, clock.instant()), verification, outcome.producer(), erased);
        });
    }

    /**
     * Restores {@code keyOrLatest} into a new database on the server of {@code connector}, in many
     * transactions, verified against the manifest, and with {@link NewDatabaseRestore.Options#swap}
     * renamed into the place of {@code database}; any failure drops the new database and leaves
     * {@code database} as it was (see {@link NewDatabaseRestore}).
     *
     * @param database the database the restore replaces (its properties are copied onto the new one)
     */
    public NewDatabaseRestore.Report restoreIntoNewDatabase(String keyOrLatest, NewDatabaseRestore.Connector connector,
                                                            String database, NewDatabaseRestore.Options options,
                                                            Decryptor decryptor, ScriptApplier.Progress progress) {
        String key = new BackupCatalog(store).resolve(keyOrLatest, null);
        Manifest manifest = SignedManifests.read(store, key, trust.keys(), trust.allowUnsigned(), trust.warn())
                .manifest();
        return new NewDatabaseRestore(connector, database, options, progress, clock).run(key, manifest,
                (fresh, commitEvery, pool) -> {
                    VerifyingInputStream stored = new VerifyingInputStream(
                            new BufferedInputStream(store.open(key), 1 << 16), manifest.sha256(),
                            manifest.storedBytes(), key);
                    try (stored) {
                        return applyChecked(stored, fresh, manifest, decryptor, progress, options.showRowData(),
                                commitEvery, pool);
                    }
                }, fresh -> erase(fresh, decryptor, progress));
    }

    /**
     * Applies the repository's erasure ledger in the target's open transaction (see {@link LedgerApplier});
     * a failure stops the restore before it commits.
     */
    private LedgerApplier.Applied erase(Connection target, Decryptor decryptor, ScriptApplier.Progress progress) {
        LedgerApplier.Applied erased = new LedgerApplier(new ErasureLedger(store, clock), decryptor).apply(target);
        if (erased.entries() > 0) {
            progress.note(erased.describe());
        }
        return erased;
    }

    /** Restores a plain SQL script (ours or pg_dump's, optionally gzipped or zstd-compressed) that has no manifest. */
    public RestoreReport restoreScript(InputStream script, String sourceName, Connection target, String targetName,
                                       RestoreOptions options, ScriptApplier.Progress progress) {
        Instant started = clock.instant();
        return inTransaction(target, sourceName, targetName, options, () -> {
            prepare(target, options, null, progress);
            Compression compression = Compression.ofFileName(sourceName);
            InputStream sql = compression != null
                    ? compression.decompress(new BufferedInputStream(script, 1 << 16))
                    : new BufferedInputStream(script, 1 << 16);
            ScriptApplier.Outcome outcome = ScriptApplier.apply(sql, target, progress, ScriptApplier.Origin.SCRIPT,
                    options.showRowData());
            target.commit();
            return new RestoreReport(sourceName, targetName, outcome.tables(), outcome.rows(),
                    Duration.between(started, clock.instant()), null, outcome.producer());
        });
    }

    /** A restore's body, which commits itself once everything has been checked. */
    @FunctionalInterface
    private interface Work {
        RestoreReport run() throws SQLException, IOException;
    }

    /** Runs a restore; on any failure rolls the target back and says so. */
    private static RestoreReport inTransaction(Connection target, String source, String targetName,
                                               RestoreOptions options, Work work) {
        try {
            return work.run();
        } catch (SQLException e) {
            rollback(target);
            // e.g. the commit, where a deferred constraint reports the row that breaks it
            RestoreErrors.Described described = RestoreErrors.describe(e, options.showRowData(), null, 0, -1);
            throw new RestoreFailedException("restoring " + source + " into " + targetName + " failed: "
                    + described.message() + "; the restore was rolled back", described.cause());
        } catch (IOException e) {
            rollback(target);
            throw new RestoreFailedException("could not read " + source + ": " + e.getMessage()
                    + "; the restore was rolled back", e);
        } catch (RuntimeException e) {
            rollback(target);
            throw e;
        }
    }

    /**
     * The check that the target is empty (unless --clean or --allow-non-empty), the preflight, then
     * the clean; {@code manifest} may be null.
     */
    private static void prepare(Connection target, RestoreOptions options, Manifest manifest,
                                ScriptApplier.Progress progress) throws SQLException {
        target.setAutoCommit(false);
        if (!options.clean() && !options.allowNonEmpty()) {
            List<String> existing = TargetDatabase.existingObjects(target);
            if (!existing.isEmpty()) {
                target.rollback();
                throw new TargetNotEmptyException("the target database is not empty (it holds "
                        + String.join(", ", existing) + (existing.size() == 10 ? ", ..." : "")
                        + "); restore into an empty database, or pass --clean to drop what it holds first,"
                        + " or --allow-non-empty to apply on top; nothing was changed");
            }
        }
        if (options.preflight()) {
            java.sql.Savepoint savepoint = target.setSavepoint();
            try {
                Preflight.checkOneTransaction(target, manifest, options, progress::note);
                target.releaseSavepoint(savepoint);
            } catch (SQLException e) {
                // a catalog view this role may not read: the restore goes on, without the check
                target.rollback(savepoint);
                progress.note("preflight: could not read the server's limits (" + e.getMessage()
                        + "); going on without the check");
            }
        }
        if (options.clean()) {
            TargetDatabase.clean(target, options.cleanLockTimeout());
        }
    }

    /**
     * Applies the script; whatever fails, the stored object's checksum is checked first, so
     * damage is reported as damage rather than as the parse error it caused.
     */
    private static ScriptApplier.Outcome applyChecked(VerifyingInputStream stored, Connection target, Manifest manifest,
                                                      Decryptor decryptor, ScriptApplier.Progress progress,
                                                      boolean showRowData, int commitEvery, LoadPool pool)
            throws IOException {
        ScriptApplier.Outcome outcome;
        try {
            DecryptingStream plain = decryptor.decrypt(stored, manifest.encryption());
            InputStream sql = Compression.fromId(manifest.compression().algorithm()).decompress(plain);
            // Every manifest in a repository is pgvault's (its "tool" says so): only what pgvault writes may run.
            outcome = ScriptApplier.apply(sql, target, progress, ScriptApplier.Origin.PGVAULT_BACKUP,
                    showRowData, commitEvery, pool);
            drain(sql);
            plain.verifyToEnd(); // the MAC or OpenPGP integrity packet, which gzip's end does not reach
        } catch (WrongKeyException e) {
            throw e; // refused before anything was applied; the object itself is fine
        } catch (RuntimeException | IOException e) {
            try {
                stored.verify();
            } catch (IntegrityException damaged) {
                damaged.addSuppressed(e);
                throw damaged;
            } catch (IOException | RuntimeException unreadable) {
                e.addSuppressed(unreadable);
            }
            throw e;
        }
        stored.verify();
        return outcome;
    }

    /** Reads what follows the script's end, so the decompressor checks its own trailer (CRC, size). */
    private static void drain(InputStream sql) throws IOException {
        byte[] buffer = new byte[8192];
        while (sql.read(buffer) >= 0) {
            // a script's trailing bytes carry nothing to apply
        }
    }

    private static void rollback(Connection target) {
        try {
            target.rollback();
        } catch (SQLException ignored) {
            // the connection is gone, and the transaction with it
        }
    }
}
