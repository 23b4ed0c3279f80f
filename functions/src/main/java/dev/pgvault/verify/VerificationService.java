package dev.pgvault.verify;

import dev.pgvault.archive.Compression;
import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.VerifyingInputStream;
import dev.pgvault.archive.crypto.DecryptingStream;
import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.errors.BackupNotFoundException;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.errors.DatabaseUnavailableException;
import dev.pgvault.errors.IntegrityException;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.PgvaultException;
import dev.pgvault.errors.RestoreFailedException;
import dev.pgvault.errors.RunCancelledException;
import dev.pgvault.errors.StorageException;
import dev.pgvault.errors.WrongKeyException;
import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.restore.RestoreOptions;
import dev.pgvault.restore.RestoreReport;
import dev.pgvault.restore.RestoreService;
import dev.pgvault.restore.ScriptApplier;
import dev.pgvault.restore.ScriptReader;
import dev.pgvault.run.Cancellation;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Proves that a backup restores: checks its manifest's signature, creates a scratch database on
 * the configured server, restores the backup into it with {@link RestoreService} (which checks
 * the stored object's SHA-256 as it streams it, decrypts and decompresses), compares every table
 * and the large objects with the manifest, runs the operator's checks, and drops the scratch
 * database, always: on success, on any failure, and when the watchdog stops the run.
 *
 * <p>It returns a {@link VerificationReport}, never an exception, for anything that is a verdict
 * on a backup (missing, damaged, unsigned, undecryptable, unrestorable, different, failing a
 * check, stale, suspiciously small). What is not a verdict on the backup — the scratch server
 * unreachable, the repository failing, the run stopped — is thrown, for the run wrapper to count.
 *
 * <p>For {@code latest}, when the newest backup fails, older ones are tried (up to
 * {@link VerificationPolicy#fallbacks()}) and the report names the newest that does restore, so an
 * operator knows at once what a restore would give. Each backup checked gets its result recorded
 * beside it ({@code .verification.json}), failures included, for {@code pgvault list} and tiering.
 */
public final class VerificationService {
    private static final Logger LOG = LoggerFactory.getLogger(VerificationService.class);

    private final BackupStore store;
    private final ManifestTrust trust;
    private final Clock clock;
    private final VerificationPolicy policy;

    public VerificationService(BackupStore store, ManifestTrust trust, Clock clock, VerificationPolicy policy) {
        this.store = store;
        this.trust = trust;
        this.clock = clock;
        this.policy = policy;
    }

    /** Runs the verification; see the class comment for what is returned and what is thrown. */
    public VerificationReport verify(VerificationRequest request, Cancellation cancellation) {
        requireScratchServer(request.scratchServer());
        Instant started = clock.instant();
        ScratchDatabases scratch = new ScratchDatabases(request.scratchServer(), clock);
        try {
            scratch.dropLeftovers(policy.leftoverAge());
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("could not list the scratch databases on "
                    + request.scratchServer() + ": " + e.getMessage(), e);
        }
        BackupCatalog catalog = new BackupCatalog(store);
        List<BackupCatalog.Entry> all = catalog.list();
        String name;
        List<String> candidates = new ArrayList<>();
        if (request.latest()) {
            name = request.backupName();
            if (name == null || name.isBlank()) {
                throw new InvalidRequestException("'latest' needs the backup name (like auth-db)");
            }
            BackupKey.checkName(name);
            Optional<BackupCatalog.Entry> newest = catalog.latest(name);
            if (newest.isEmpty()) {
                VerificationResult missing = new VerificationResult(null, VerificationStatus.MISSING,
                        List.of("there are no complete backups named " + name + " in " + store.location()),
                        started, Duration.between(started, clock.instant()));
                return new VerificationReport(missing, List.of(missing), name, null, null, null,
                        previousFailure(all, name), List.of());
            }
            candidates.add(newest.get().key().key());
            all.stream().filter(e -> e.key().backupName().equals(name))
                    .sorted(Comparator.comparing((BackupCatalog.Entry e) -> e.key().time()).reversed())
                    .map(e -> e.key().key())
                    .filter(k -> !k.equals(candidates.get(0)))
                    .limit(policy.fallbacks())
                    .forEach(candidates::add);
        } else {
            BackupKey parsed = BackupKey.parse(request.backup()).orElseThrow(() -> new InvalidRequestException("'"
                    + request.backup() + "' is not a backup key (like daily/auth-db-backup-2026-11-24.sql.gz) or"
                    + " 'latest'; `pgvault list` shows the backups in " + store.location()));
            name = parsed.backupName();
            candidates.add(parsed.key());
        }
        VerificationStatus previous = previousFailure(all, name);

        List<VerificationResult> attempts = new ArrayList<>();
        VerificationResult good = null;
        Manifest goodManifest = null;
        for (String key : candidates) {
            cancellation.check();
            Checked checked = verifyOne(key, request, scratch, cancellation);
            attempts.add(checked.result());
            record(checked.result(), checked.target());
            if (!checked.result().status().failed()) {
                good = checked.result();
                goodManifest = checked.manifest();
                break;
            }
            LOG.warn("backup {} failed verification: {} {}", key, checked.result().status(),
                    String.join("; ", checked.result().details()));
        }

        VerificationResult primary = attempts.get(0);
        List<String> notes = new ArrayList<>();
        if (primary.status().failed() && candidates.size() > 1) {
            if (good != null) {
                notes.add("fell back: the newest backup that restores is " + good.key() + " (snapshot "
                        + goodManifest.snapshotTime() + ", " + hours(Duration.between(goodManifest.snapshotTime(),
                        clock.instant())) + " old)");
            } else {
                notes.add("none of the " + attempts.size() + " newest backups of " + name + " verified");
            }
        }
        VerificationStatus status = primary.status();
        List<VerificationStatus> findings = new ArrayList<>();
        if (request.latest()) {
            Optional<String> stale = staleness(all, name, catalog);
            if (stale.isPresent()) {
                findings.add(VerificationStatus.STALE);
                notes.add(stale.get());
                status = status.failed() ? status : VerificationStatus.STALE;
            }
        }
        if (!primary.status().failed()) {
            Optional<String> small = suspiciousSize(all, primary.key());
            if (small.isPresent()) {
                findings.add(VerificationStatus.SUSPICIOUS_SIZE);
                notes.add(small.get());
                status = status.failed() ? status : VerificationStatus.SUSPICIOUS_SIZE;
            }
        }
        VerificationResult verdict = primary.with(status, notes);
        Duration rpo = goodManifest == null ? null : Duration.between(goodManifest.snapshotTime(), clock.instant());
        return new VerificationReport(verdict, attempts, name, good == null ? null : good.key(),
                goodManifest == null ? null : goodManifest.snapshotTime(), rpo, previous, findings);
    }

    /** One backup's result, with what is needed to record and report it. */
    private record Checked(VerificationResult result, Manifest manifest, String target) {}

    private Checked verifyOne(String key, VerificationRequest request, ScratchDatabases scratch,
                              Cancellation cancellation) {
        Instant started = clock.instant();
        DatabaseTarget server = request.scratchServer();
        Manifest manifest;
        try {
            manifest = SignedManifests.read(store, key, trust.keys(), trust.allowUnsigned(), trust.warn()).manifest();
        } catch (BackupNotFoundException e) {
            return new Checked(verdict(key, VerificationStatus.MISSING, started, null, 0, e.getMessage()), null, null);
        } catch (StorageException e) {
            throw e;
        } catch (IntegrityException e) {
            return new Checked(verdict(key, VerificationStatus.SIGNATURE_INVALID, started, null, 0, e.getMessage()),
                    null, server.toString());
        } catch (PgvaultException e) {
            return new Checked(verdict(key, VerificationStatus.SIGNATURE_INVALID, started, null, 0,
                    "the manifest cannot be read: " + e.getMessage()), null, server.toString());
        }
        if (store.stat(key).isEmpty()) {
            return new Checked(verdict(key, VerificationStatus.MISSING, started, null, 0, "backup " + key
                    + " has a manifest but no object in " + store.location()), manifest, server.toString());
        }
        Optional<String> tooLarge = tooLargeToRestore(manifest, request.deadline());
        if (tooLarge.isPresent()) {
            return new Checked(integrityOnly(key, manifest, request, started, tooLarge.get(), cancellation), manifest,
                    "integrity-only pass in the verification function");
        }
        String database = scratch.newName();
        DatabaseTarget target = server.withDatabase(database);
        try {
            try {
                scratch.create(database);
            } catch (SQLException e) {
                throw new DatabaseUnavailableException("could not create the scratch database " + database + " on "
                        + server + ": " + e.getMessage(), e);
            }
            return new Checked(restoreAndCompare(key, manifest, request, target, started, cancellation), manifest,
                    target.toString());
        } finally {
            try {
                scratch.drop(database);
            } catch (SQLException | RuntimeException e) {
                LOG.error("could not drop the scratch database {} on {} (the next verification drops it): {}",
                        database, server, e.getMessage());
            }
        }
    }

    private VerificationResult restoreAndCompare(String key, Manifest manifest, VerificationRequest request,
                                                 DatabaseTarget target, Instant started, Cancellation cancellation) {
        Connection connection;
        try {
            connection = target.connect();
        } catch (SQLException e) {
            throw new DatabaseUnavailableException("could not connect to the scratch database " + target + ": "
                    + e.getMessage(), e);
        }
        Runnable stop = () -> closeQuietly(connection);
        cancellation.onCancel(stop);
        try (connection) {
            RestoreReport report;
            try {
                report = new RestoreService(store, clock, trust).restore(key, connection, target.database(),
                        new RestoreOptions(false, false, false), request.decryptor(), ScriptApplier.Progress.NONE);
            } catch (RuntimeException e) {
                rethrowIfStopped(cancellation, e);
                return verdictOf(key, e, started);
            }
            cancellation.check();
            Duration restoreTime = report.duration();
            long bytes = manifest.storedBytes();
            // The restore applied the erasure ledger before it committed: tables it changed are compared allowing for it.
            List<String> differences = ContentCheck.differences(connection, manifest, report.erasure());
            connection.rollback();
            if (!differences.isEmpty()) {
                return verdict(key, VerificationStatus.CONTENT_MISMATCH, started, restoreTime, bytes, differences);
            }
            cancellation.check();
            List<String> failedChecks = request.checks().run(connection, policy.checkTimeoutSeconds());
            if (!failedChecks.isEmpty()) {
                return verdict(key, VerificationStatus.CHECK_FAILED, started, restoreTime, bytes, failedChecks);
            }
            List<String> details = new ArrayList<>();
            details.add("restored " + report.tables() + " tables, " + report.rows() + " rows in "
                    + seconds(restoreTime) + "; every table" + (manifest.largeObjects() != null
                    ? " and the large objects" : "") + " matched the manifest"
                    + (report.erasure().entries() > 0 ? " (allowing for the erasure ledger)" : ""));
            if (report.erasure().entries() > 0) {
                details.add(report.erasure().describe());
            }
            if (!request.checks().isEmpty()) {
                details.add(request.checks().checks().size() + " user checks passed");
            }
            return verdict(key, VerificationStatus.OK, started, restoreTime, bytes, details);
        } catch (SQLException | IOException e) {
            rethrowIfStopped(cancellation, e);
            throw new DatabaseUnavailableException("comparing the scratch database " + target
                    + " with the manifest failed: " + e.getMessage(), e);
        } finally {
            cancellation.forget(stop);
        }
    }

    /** The verdict a failed restore gives, or the exception again when it is not a verdict on the backup. */
    private VerificationResult verdictOf(String key, RuntimeException e, Instant started) {
        if (e instanceof BackupNotFoundException) {
            return verdict(key, VerificationStatus.MISSING, started, null, 0, e.getMessage());
        }
        if (e instanceof WrongKeyException) {
            return verdict(key, VerificationStatus.DECRYPT_FAILED, started, null, 0, e.getMessage());
        }
        if (e instanceof IntegrityException) {
            return verdict(key, VerificationStatus.CHECKSUM_MISMATCH, started, null, 0, e.getMessage());
        }
        if (e instanceof DatabaseUnavailableException) {
            throw e; // the scratch server, not the backup
        }
        if (e instanceof RestoreFailedException) {
            return verdict(key, VerificationStatus.RESTORE_FAILED, started, null, 0, e.getMessage());
        }
        throw e;
    }

    private static void rethrowIfStopped(Cancellation cancellation, Exception e) {
        RunCancelledException stopped = cancellation.exception();
        if (stopped != null) {
            stopped.addSuppressed(e);
            throw stopped;
        }
    }

    /** Why a restore could not finish before the deadline, judged from the manifest's raw size; empty if it can. */
    private Optional<String> tooLargeToRestore(Manifest manifest, Instant deadline) {
        if (deadline == null) {
            return Optional.empty();
        }
        Duration estimate = Duration.ofSeconds(Math.max(1, manifest.rawBytes() / Math.max(1, policy.restoreBytesPerSecond())));
        Duration left = Duration.between(clock.instant(), deadline).minus(policy.reserve());
        if (estimate.compareTo(left) <= 0) {
            return Optional.empty();
        }
        return Optional.of("a restore of " + manifest.rawBytes() + " bytes of SQL takes about " + seconds(estimate)
                + " at " + policy.restoreBytesPerSecond() / (1024 * 1024) + " MiB/s, more than the "
                + seconds(left.isNegative() ? Duration.ZERO : left) + " left; checked signature, SHA-256,"
                + " decryption and the script's syntax only. Run `pgvault verify` on a schedule where there is time"
                + " for the full check (README, Verification)");
    }

    /**
     * Reads the whole object as a restore would, without a database: SHA-256 and size, decryption
     * and its integrity check, decompression and its trailer, and every statement and COPY block parsed.
     */
    private VerificationResult integrityOnly(String key, Manifest manifest, VerificationRequest request,
                                             Instant started, String reason, Cancellation cancellation) {
        VerifyingInputStream stored = new VerifyingInputStream(new BufferedInputStream(store.open(key), 1 << 16),
                manifest.sha256(), manifest.storedBytes(), key);
        Runnable stop = () -> closeQuietly(stored);
        cancellation.onCancel(stop);
        try (stored) {
            long statements = 0;
            try {
                DecryptingStream plain = request.decryptor().decrypt(stored, manifest.encryption());
                InputStream sql = Compression.fromId(manifest.compression().algorithm()).decompress(plain);
                ScriptReader reader = new ScriptReader(sql);
                for (ScriptReader.Element e = reader.next(); e != null; e = reader.next()) {
                    statements++;
                    if (!e.metaCommand() && isCopyFromStdin(e.text())) {
                        reader.copyData(OutputStream.nullOutputStream());
                    }
                }
                sql.transferTo(OutputStream.nullOutputStream());
                plain.verifyToEnd();
            } catch (WrongKeyException e) {
                return verdict(key, VerificationStatus.DECRYPT_FAILED, started, null, 0, e.getMessage());
            } catch (IOException | RuntimeException e) {
                rethrowIfStopped(cancellation, e);
                try {
                    stored.verify();
                } catch (IntegrityException damaged) {
                    return verdict(key, VerificationStatus.CHECKSUM_MISMATCH, started, null, 0, damaged.getMessage());
                }
                if (e instanceof IntegrityException) {
                    return verdict(key, VerificationStatus.CHECKSUM_MISMATCH, started, null, 0, e.getMessage());
                }
                if (e instanceof StorageException storage) {
                    throw storage;
                }
                return verdict(key, VerificationStatus.RESTORE_FAILED, started, null, 0,
                        "the script cannot be read to its end: " + e.getMessage());
            }
            try {
                stored.verify();
            } catch (IntegrityException damaged) {
                return verdict(key, VerificationStatus.CHECKSUM_MISMATCH, started, null, 0, damaged.getMessage());
            }
            return verdict(key, VerificationStatus.INTEGRITY_ONLY, started, null, manifest.storedBytes(),
                    List.of(reason, statements + " statements parsed, SHA-256 and size as in the manifest"));
        } catch (IOException e) {
            rethrowIfStopped(cancellation, e);
            throw new StorageException("could not read " + key + " from " + store.location() + ": " + e.getMessage(),
                    true, e);
        } finally {
            cancellation.forget(stop);
        }
    }

    private static boolean isCopyFromStdin(String statement) {
        String upper = statement.strip().toUpperCase(Locale.ROOT);
        return upper.startsWith("COPY ") && upper.contains("FROM STDIN");
    }

    /** The newest daily backup of the name is older than the freshness limit, or there is none. */
    private Optional<String> staleness(List<BackupCatalog.Entry> all, String name, BackupCatalog catalog) {
        Optional<BackupCatalog.Entry> newestDaily = all.stream()
                .filter(e -> e.key().backupName().equals(name) && e.key().kind() == BackupKind.DAILY)
                .max(Comparator.comparing(e -> e.key().time()));
        if (newestDaily.isEmpty()) {
            return Optional.of("STALE: there is no daily backup of " + name + " in " + store.location());
        }
        Instant taken;
        try {
            Instant snapshot = catalog.manifest(newestDaily.get().key().key()).snapshotTime();
            taken = snapshot != null ? snapshot : newestDaily.get().key().instant();
        } catch (RuntimeException e) {
            taken = newestDaily.get().key().instant();
        }
        Duration age = Duration.between(taken, clock.instant());
        if (age.compareTo(policy.freshness()) <= 0) {
            return Optional.empty();
        }
        return Optional.of("STALE: the newest daily backup, " + newestDaily.get().key().key() + ", was taken "
                + taken + ", " + hours(age) + " ago (limit " + hours(policy.freshness()) + ")");
    }

    /** The backup is less than {@code sizeRatio} of the median stored size of the previous backups of its name. */
    private Optional<String> suspiciousSize(List<BackupCatalog.Entry> all, String key) {
        BackupCatalog.Entry self = all.stream().filter(e -> e.key().key().equals(key)).findFirst().orElse(null);
        if (self == null) {
            return Optional.empty();
        }
        List<Long> previous = all.stream()
                .filter(e -> e.key().backupName().equals(self.key().backupName())
                        && e.key().time().isBefore(self.key().time()))
                .sorted(Comparator.comparing((BackupCatalog.Entry e) -> e.key().time()).reversed())
                .limit(policy.sizeHistory())
                .map(e -> e.object().size())
                .sorted()
                .toList();
        if (previous.isEmpty()) {
            return Optional.empty();
        }
        int n = previous.size();
        double median = n % 2 == 1 ? previous.get(n / 2) : (previous.get(n / 2 - 1) + previous.get(n / 2)) / 2.0;
        long size = self.object().size();
        if (size >= policy.sizeRatio() * median) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "SUSPICIOUS_SIZE: %s is %d bytes, less than %.0f%% of the"
                        + " median %.0f bytes of the %d backups before it; check that the right database is backed up"
                        + " and that no data was lost", key, size, policy.sizeRatio() * 100, median, n));
    }

    /** The status of the most recent verification recorded for the name, when it failed. */
    private VerificationStatus previousFailure(List<BackupCatalog.Entry> all, String name) {
        Optional<BackupCatalog.Entry> last = all.stream()
                .filter(e -> e.key().backupName().equals(name) && e.verification().isPresent())
                .max(Comparator.comparing(e -> e.verification().get().lastModified()));
        if (last.isEmpty()) {
            return null;
        }
        try {
            return VerificationRecord.load(store, last.get().key().key())
                    .map(r -> {
                        try {
                            VerificationStatus s = VerificationStatus.valueOf(r.status());
                            return s.failed() ? s : null;
                        } catch (IllegalArgumentException unknown) {
                            return null;
                        }
                    }).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void record(VerificationResult result, String target) {
        if (result.key() == null || target == null) {
            return; // nothing in the repository to record it beside
        }
        try {
            VerificationRecord.of(result, target).save(store);
        } catch (RuntimeException e) {
            LOG.warn("could not record the verification of {} in {}: {}", result.key(), store.location(),
                    e.getMessage());
        }
    }

    private VerificationResult verdict(String key, VerificationStatus status, Instant started, Duration restoreTime,
                                       long bytes, String detail) {
        return verdict(key, status, started, restoreTime, bytes, List.of(detail));
    }

    private VerificationResult verdict(String key, VerificationStatus status, Instant started, Duration restoreTime,
                                       long bytes, List<String> details) {
        Instant now = clock.instant();
        return new VerificationResult(key, status, details, now, Duration.between(started, now), restoreTime, bytes);
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception ignored) {
            // closing to wake a blocked reader; the run reports the stop itself
        }
    }

    static String hours(Duration duration) {
        return String.format(Locale.ROOT, "%.1f h", duration.toMillis() / 3_600_000.0);
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    /** A request without a scratch server is a configuration error, found before anything is read. */
    static void requireScratchServer(DatabaseTarget server) {
        if (server == null) {
            throw new ConfigurationException("no scratch server to restore on");
        }
    }
}
