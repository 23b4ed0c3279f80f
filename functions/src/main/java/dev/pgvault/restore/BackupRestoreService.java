package dev.pgvault.restore;

import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.crypto.Decryptor;
import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.erasure.ErasureLedger;
import dev.pgvault.erasure.LedgerApplier;
import dev.pgvault.errors.BackupNotFoundException;
import dev.pgvault.errors.BackupNotVerifiedException;
import dev.pgvault.errors.DatabaseUnavailableException;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.RestoreFailedException;
import dev.pgvault.errors.RestoreRefusedException;
import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.run.Cancellation;
import dev.pgvault.verify.ManifestTrust;
import dev.pgvault.verify.SignedManifests;
import dev.pgvault.verify.VerificationRecord;
import dev.pgvault.verify.VerificationStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The steps of a restore from a logical backup that end with the application on it (the restore
 * function's actions, and the CLI's {@code restore backup}): choose the backup, restore it into a
 * new database verified against its manifest with the erasure ledger applied, apply the ledger to
 * a database (also the point-in-time path's restored instance), drop a new database a failed
 * execution leaves. Nothing here touches the live database or the application.
 */
public final class BackupRestoreService {
    /** Storage classes from which an object must be restored (retrieved) before it can be read. */
    public static final Set<String> COLD = Set.of("GLACIER", "DEEP_ARCHIVE");
    public static final String LATEST_VERIFIED = "latest-verified";
    /** The restore rate assumed when no verification measured one: conservative for a Lambda. */
    static final long DEFAULT_BYTES_PER_SECOND = 5L * 1024 * 1024;

    private final BackupStore store;
    private final ManifestTrust trust;
    private final Clock clock;

    public BackupRestoreService(BackupStore store, ManifestTrust trust, Clock clock) {
        this.store = store;
        this.trust = trust;
        this.clock = clock;
    }

    /**
     * Which backup: {@code backup} is a key, {@code latest-verified} (the newest backup of {@code name}
     * whose last verification is OK) or a UTC date {@code yyyy-mm-dd} (the newest backup of that
     * day); {@code allowUnverified} restores a backup whose verification failed.
     */
    public record Selection(String backup, String name, boolean allowUnverified) {}

    /**
     * The chosen backup. {@code verification} is the last verification's status ({@code NONE} when it
     * was never verified); {@code estimate} the restore's expected duration.
     */
    public record Choice(String key, String backupName, Instant snapshotTime, String storageClass, boolean cold,
                         String verification, long storedBytes, long rawBytes, Duration estimate,
                         long bytesPerSecond, String rateSource) {}

    public Choice choose(Selection selection) {
        if (selection.backup() == null || selection.backup().isBlank()) {
            throw new InvalidRequestException("say which backup: a key (like daily/auth-db-backup-2026-11-24.sql.gz),"
                    + " a date (2026-11-24) or " + LATEST_VERIFIED + " (with the backup name)");
        }
        BackupCatalog catalog = new BackupCatalog(store);
        String key = resolve(catalog, selection);
        Manifest manifest = SignedManifests.read(store, key, trust.keys(), trust.allowUnsigned(), trust.warn())
                .manifest();
        String status = VerificationRecord.load(store, key).map(VerificationRecord::status).orElse("NONE");
        if (failed(status) && !selection.allowUnverified()) {
            throw new BackupNotVerifiedException("backup " + key + " failed its last verification (" + status
                    + "): restore another backup, or set allowUnverified (--allow-unverified) to restore it anyway;"
                    + " nothing was changed");
        }
        String storageClass = store.stat(key).orElseThrow(() -> new BackupNotFoundException("backup " + key
                + " has a manifest but no object in " + store.location())).storageClass();
        Rate rate = rate(catalog, manifest.backupName());
        Duration estimate = Duration.ofSeconds(Math.max(1, manifest.rawBytes() / rate.bytesPerSecond()));
        return new Choice(key, manifest.backupName(), manifest.snapshotTime(), storageClass,
                COLD.contains(storageClass), status, manifest.storedBytes(), manifest.rawBytes(), estimate,
                rate.bytesPerSecond(), rate.source());
    }

    /**
     * Refuses, before anything is done, a restore whose estimate does not fit {@code budget} (the
     * function's time less a reserve), saying how to run the same restore where there is time.
     */
    public void requireFits(Choice choice, Duration budget, String instead) {
        if (choice.estimate().compareTo(budget) <= 0) {
            return;
        }
        throw new RestoreRefusedException(String.format(Locale.ROOT, "restoring %s (%d MiB of SQL) would take about"
                        + " %d min at %.1f MiB/s (%s), more than the %d min this function has; no restore is cut off"
                        + " halfway, so it was not started. Run the same restore where there is time: %s",
                choice.key(), choice.rawBytes() >> 20, Math.max(1, choice.estimate().toMinutes()),
                choice.bytesPerSecond() / 1048576.0, choice.rateSource(), budget.toMinutes(), instead));
    }

    /** What {@link #restore} did. */
    public record Restored(String key, String database, String host, int port, long tables, long rows,
                           Duration duration, LedgerApplier.Applied erasure, List<String> warnings) {}

    /**
     * Restores {@code key} into a new database on {@code server} (named {@code newDatabase}, or
     * {@code <server's database>_restore_<UTC time>}), verified against the manifest, the erasure
     * ledger applied; on any failure the new database is dropped ({@link NewDatabaseRestore}).
     */
    public Restored restore(String key, DatabaseTarget server, String newDatabase, Decryptor decryptor,
                            ScriptApplier.Progress progress) {
        return restore(key, server, newDatabase, decryptor, progress, Cancellation.none());
    }

    /**
     * As {@link #restore(String, DatabaseTarget, String, Decryptor, ScriptApplier.Progress)}; when
     * {@code cancellation} is cancelled (the function's watchdog), the connections to the new
     * database are aborted, the restore fails, and the new database is dropped over the
     * maintenance database's connection, which is kept.
     */
    public Restored restore(String key, DatabaseTarget server, String newDatabase, Decryptor decryptor,
                            ScriptApplier.Progress progress, Cancellation cancellation) {
        NewDatabaseRestore.Options options = NewDatabaseRestore.Options.into(newDatabase);
        NewDatabaseRestore.Connector connector = name -> server.withDatabase(name).connect();
        NewDatabaseRestore.Report report = new RestoreService(store, clock, trust).restoreIntoNewDatabase(key,
                connector.abortedOn(cancellation, options.maintenanceDatabase()), server.database(), options,
                decryptor, progress);
        RestoreReport restore = report.restore();
        return new Restored(key, report.database(), server.host(), server.port(), restore.tables(), restore.rows(),
                restore.duration(), restore.erasure(), report.warnings());
    }

    /**
     * Applies the repository's erasure ledger to {@code database} in one transaction (the point-in-time
     * path, before the repoint; again after a restore, for entries recorded while it ran).
     */
    public LedgerApplier.Applied erase(DatabaseTarget database, Decryptor decryptor) {
        try (Connection connection = database.connect()) {
            connection.setAutoCommit(false);
            LedgerApplier.Applied applied;
            try {
                applied = new LedgerApplier(new ErasureLedger(store, clock), decryptor).apply(connection);
                connection.commit();
            } catch (RuntimeException e) {
                connection.rollback();
                throw e;
            }
            return applied;
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("could not apply the erasure ledger on " + database + ": "
                    + e.getMessage(), e);
        }
    }

    /** Drops a database a restore created (a failed execution that does not keep it); absent is fine. */
    public void drop(DatabaseTarget server, String database) {
        if (database == null || database.equals(server.database())) {
            throw new InvalidRequestException("refusing to drop " + database + ": only a database a restore created"
                    + " is dropped, never the one the server's secret names");
        }
        try (Connection admin = server.withDatabase(NewDatabaseRestore.Options.DEFAULT_MAINTENANCE_DATABASE).connect()) {
            admin.setAutoCommit(true);
            DatabaseDrop.dropIfExists(admin, database);
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("could not drop " + database + " on " + server + ": "
                    + e.getMessage(), e);
        }
    }

    private String resolve(BackupCatalog catalog, Selection selection) {
        String backup = selection.backup().strip();
        if (BackupKey.parse(backup).isPresent()) {
            return catalog.resolve(backup);
        }
        String name = selection.name();
        if (name == null || name.isBlank()) {
            throw new InvalidRequestException("'" + backup + "' needs the backup name (like auth-db) to choose among");
        }
        BackupKey.checkName(name);
        List<BackupCatalog.Entry> ofName = catalog.list().stream().filter(e -> e.key().backupName().equals(name))
                .sorted(Comparator.comparing((BackupCatalog.Entry e) -> e.key().time()).reversed()).toList();
        if (LATEST_VERIFIED.equals(backup)) {
            for (BackupCatalog.Entry entry : ofName) {
                if (entry.verification().isPresent() && VerificationRecord.load(store, entry.key().key())
                        .map(r -> VerificationStatus.OK.name().equals(r.status())).orElse(false)) {
                    return entry.key().key();
                }
            }
            throw new BackupNotVerifiedException("no backup of " + name + " in " + store.location() + " has verified"
                    + " OK: verify one first, or name a backup (key or date) with allowUnverified; nothing was changed");
        }
        LocalDate day;
        try {
            day = LocalDate.parse(backup);
        } catch (DateTimeParseException e) {
            throw new InvalidRequestException("'" + backup + "' is not a backup key, a date (yyyy-mm-dd) or "
                    + LATEST_VERIFIED);
        }
        return ofName.stream().filter(e -> e.key().time().toLocalDate().equals(day)).findFirst()
                .map(e -> e.key().key())
                .orElseThrow(() -> new BackupNotFoundException("there is no complete backup of " + name + " taken on "
                        + day + " (UTC) in " + store.location()));
    }

    private static boolean failed(String status) {
        try {
            return VerificationStatus.valueOf(status).failed();
        } catch (IllegalArgumentException unknown) {
            return false; // NONE, or a status a newer pgvault wrote
        }
    }

    private record Rate(long bytesPerSecond, String source) {}

    /**
     * The rate of the newest successful verification of the name: its backup's SQL bytes over the
     * whole verification's time (restore and comparison, so on the safe side); a default without one.
     */
    private Rate rate(BackupCatalog catalog, String name) {
        Optional<VerificationRecord> newest = catalog.list().stream()
                .filter(e -> e.key().backupName().equals(name) && e.verification().isPresent())
                .map(e -> VerificationRecord.load(store, e.key().key()))
                .flatMap(Optional::stream)
                .filter(r -> VerificationStatus.OK.name().equals(r.status()) && r.durationMillis() > 0)
                .max(Comparator.comparing(VerificationRecord::checkedAt));
        if (newest.isPresent()) {
            try {
                long raw = catalog.manifest(newest.get().key()).rawBytes();
                long rate = Math.max(1, raw * 1000 / newest.get().durationMillis());
                return new Rate(rate, "measured by the verification of " + newest.get().key() + " on "
                        + newest.get().checkedAt());
            } catch (RuntimeException unreadable) {
                // fall through to the default
            }
        }
        return new Rate(DEFAULT_BYTES_PER_SECOND, "assumed: no backup of " + name + " has a successful verification"
                + " to measure from");
    }
}
