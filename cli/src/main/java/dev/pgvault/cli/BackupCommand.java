package dev.pgvault.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.archive.Compression;
import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.crypto.Encryptor;
import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.backup.RunOwner;
import dev.pgvault.archive.signing.ManifestSigner;
import dev.pgvault.run.GuardedRun;
import dev.pgvault.config.CpuShare;
import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.run.Cancellation;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgvault backup --database-url URL --repo REPO [--manual]}: the same backup the Lambda takes. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Back up a database to a repository (daily/ by default, manual/ with --manual).",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:backup written, or already complete (nothing to do)",
            "1:failed: nothing was stored under the backup's key",
            ExitCodes.USAGE_LINE,
            "75:another live run holds the backup's lock (who and until when is printed): retry later",
            ExitCodes.SIGNALS_130,
            ExitCodes.SIGNALS_143})
public final class BackupCommand implements Callable<Integer>, Json.Reporting, Failures.Interruptible {
    static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final Invocation invocation;
    private final Terminal terminal;

    @Mixin
    DatabaseOptions database;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    EncryptOptions encryption;

    @Option(names = "--manual", description = "A manual backup: manual/<name>-manual-YYYY-MM-DD-HHMMSS.sql.gz.")
    boolean manual;

    @Option(names = "--name", defaultValue = "auth-db", paramLabel = "NAME",
            description = "The database's short name in object keys (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--compression", defaultValue = "gzip", paramLabel = "gzip|zstd",
            description = "gzip (default: .sql.gz, what gunzip | psql restores) or zstd (.sql.zst, zstd -d | psql;"
                    + " a fraction of gzip's CPU).")
    String compression;

    @Option(names = "--compression-level", paramLabel = "LEVEL",
            description = "gzip 1-9 (default 6) or zstd 1-19 (default 3).")
    Integer compressionLevel;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N",
            description = "Connections reading table data at once, in one snapshot; large tables are read in page"
                    + " ranges (PostgreSQL 14+). Default: the cores available. 1 reads on one connection.")
    Integer jobs;

    @Option(names = "--lock-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "How long to wait for table locks before giving up (default: ${DEFAULT-VALUE}).")
    int lockTimeoutSeconds;

    @Option(names = "--keep-owners-and-privileges",
            description = "Write OWNER TO and GRANT/REVOKE into the backup; the restore then needs the same roles."
                    + " Default: none, so any role can restore it into any instance.")
    boolean keepOwnersAndPrivileges;

    @Option(names = "--globals",
            description = "Also write the roles the database needs (attributes, memberships, settings; no passwords)"
                    + " as a SQL script beside the backup (<key>.globals.sql, encrypted like it), to run on a new"
                    + " instance before restoring a backup taken with --keep-owners-and-privileges.")
    boolean globals;

    @Option(names = "--object-lock", paramLabel = "MODE:DAYS",
            description = "In an S3 bucket with Object Lock: keep each backup, manifest and signature locked for DAYS"
                    + " in MODE governance or compliance (e.g. governance:30), as the Lambda does.")
    String objectLock;

    @Option(names = "--allow-empty",
            description = "Back up a database that holds no user tables (refused by default: usually the wrong database).")
    boolean allowEmpty;

    @Mixin
    SigningOptions signing;

    @Option(names = "--json", description = "Print the outcome as one JSON document on stdout (messages go to stderr).")
    boolean json;

    @Option(names = "--metrics", paramLabel = "emf",
            description = "emf: also emit the Lambda's CloudWatch metrics (BackupSucceeded, BackupFailed, ...) as"
                    + " Embedded Metric Format lines, on stdout (on stderr with --json), for a log agent to ship.")
    MetricsMode metrics;

    @Option(names = "--metrics-namespace", defaultValue = "pgvault", paramLabel = "NS",
            description = "CloudWatch namespace of --metrics emf (default: ${DEFAULT-VALUE}, as the Lambda's).")
    String metricsNamespace;

    enum MetricsMode { emf }

    /** What the documents say about the run; filled in as the run goes. */
    private String repositoryLocation;
    private DatabaseTarget target;

    public BackupCommand(Invocation invocation) {
        this.invocation = invocation;
        this.terminal = invocation.terminal();
    }

    @Override
    public Integer call() {
        if (json) {
            terminal.jsonMode();
        }
        if (!metricsNamespace.matches("[A-Za-z0-9._#:/-]{1,255}")) {
            throw new UsageError("--metrics-namespace '" + metricsNamespace + "' is not a CloudWatch namespace");
        }
        BackupMetrics runMetrics = metrics == MetricsMode.emf
                ? EmfLines.backupMetrics(metricsNamespace, name, terminal.human())
                : BackupMetrics.NONE;
        Cancellation cancellation = invocation.signals().begin(new Cancellation());
        try {
            // The run wrapper the Lambda uses: any failure, from a bad flag to a signal, is one BackupFailed.
            BackupOutcome outcome = new GuardedRun(runMetrics, Clock.systemUTC()).run(cancellation, scope -> {
                scope.kind(kind().toString());
                return backUp(runMetrics, scope.cancellation());
            });
            return report(outcome);
        } finally {
            invocation.signals().end();
        }
    }

    private BackupOutcome backUp(BackupMetrics runMetrics, Cancellation cancellation) {
        Compression algorithm;
        int level;
        try {
            algorithm = Compression.fromId(compression);
        } catch (IllegalArgumentException e) {
            throw new UsageError("--compression: " + e.getMessage());
        }
        level = compressionLevel == null ? algorithm.defaultLevel() : compressionLevel;
        if (level < algorithm.minLevel() || level > algorithm.maxLevel()) {
            throw new UsageError("--compression-level must be " + algorithm.minLevel() + " to " + algorithm.maxLevel()
                    + " for " + algorithm.id() + ", got " + level);
        }
        int dumpJobs = jobs == null ? CpuShare.cores() : jobs;
        if (dumpJobs < 1 || dumpJobs > 64) {
            throw new UsageError("--jobs must be 1 to 64, got " + dumpJobs);
        }
        BackupKey.checkName(name);
        target = database.target(invocation);
        Encryptor encryptor = encryption.encryptor(); // bad key options fail before anything is touched
        BackupStore store = repository.open(objectLock());
        repositoryLocation = store.location();
        ManifestSigner signer = signing.signer(invocation); // after the repository: a failed command creates no key
        // The dump's connection says where it connected; its parallel workers' connections, the same, do not.
        AtomicBoolean announced = new AtomicBoolean();
        BackupService service = new BackupService(store,
                () -> Connections.open(target, cancellation, terminal, !announced.getAndSet(true)), runMetrics,
                Clock.systemUTC(), new DumpOptions(Duration.ofSeconds(lockTimeoutSeconds), keepOwnersAndPrivileges)
                        .withJobs(dumpJobs).withGlobals(globals),
                signer);
        BackupRequest request = new BackupRequest(kind(), name, algorithm, level, encryptor,
                RunOwner.thisProcess(), allowEmpty);
        terminal.say("backing up " + target + " to " + store.location());
        return service.run(request, new ProgressReporter(terminal), cancellation);
    }

    private dev.pgvault.repository.ObjectLock objectLock() {
        return objectLock(objectLock);
    }

    /** --object-lock MODE:DAYS, or null when not given; shared with `pgvault erase`. */
    static dev.pgvault.repository.ObjectLock objectLock(String objectLock) {
        if (objectLock == null) {
            return null;
        }
        String[] parts = objectLock.split(":", 2);
        try {
            return dev.pgvault.repository.ObjectLock.days(dev.pgvault.repository.ObjectLock.Mode.parse(parts[0]),
                    Integer.parseInt(parts.length == 2 ? parts[1] : ""));
        } catch (IllegalArgumentException e) {
            throw new UsageError("--object-lock must be MODE:DAYS like governance:30 (" + e.getMessage() + ")");
        }
    }

    private int report(BackupOutcome outcome) {
        Manifest m = outcome.manifest();
        String where = repositoryLocation + "/" + outcome.key();
        switch (outcome.status()) {
            case WRITTEN -> terminal.say(String.format("backed up %s to %s: %s, %s, %s -> %s stored,"
                            + " %s, sha256 %s", target, where, Terminal.count(m.tables().size(), "table"),
                    Terminal.count(m.totalRows(), "row"), Terminal.bytes(m.rawBytes()),
                    Terminal.bytes(m.storedBytes()), Terminal.seconds(Duration.ofMillis(m.durationMillis())),
                    m.sha256().substring(0, 16)));
            case ALREADY_COMPLETE -> terminal.say("already complete: " + where
                    + (m == null ? "" : " (snapshot " + UTC.format(m.snapshotTime()) + ")") + "; nothing to do");
            case HELD -> terminal.say("held: " + where + " is being written by another run" + holder(outcome.holder())
                    + "; nothing was done, retry later");
        }
        if (outcome.status() == BackupOutcome.Status.WRITTEN && m.globals() != null) {
            terminal.say("roles the database needs: " + Terminal.count(m.globals().roles(), "role") + ", "
                    + Terminal.count(m.globals().memberships(), "membership") + ", "
                    + Terminal.count(m.globals().settings(), "setting") + " in " + where
                    + dev.pgvault.repository.BackupArtifacts.Sidecar.GLOBALS.suffix());
        }
        if (json) {
            terminal.document(Json.write(document(outcome.status().name().toLowerCase(java.util.Locale.ROOT),
                    outcome.key(), m, outcome.holder(), null)));
        }
        return outcome.status() == BackupOutcome.Status.HELD ? ExitCodes.HELD : ExitCodes.OK;
    }

    /** " (run ID, OWNER, since T, lease until E)": who holds the lock, for the human line. */
    static String holder(BackupOutcome.LockHolder holder) {
        if (holder == null) {
            return "";
        }
        return " (run " + holder.runId() + (holder.owner() == null ? "" : ", " + holder.owner())
                + (holder.takenAt() == null ? "" : ", since " + UTC.format(holder.takenAt()))
                + (holder.expiresAt() == null ? "" : ", lease until " + UTC.format(holder.expiresAt())) + ")";
    }

    @Override
    public boolean json() {
        return json;
    }

    @Override
    public ObjectNode failure(ObjectNode error) {
        return document("failed", null, null, null, error);
    }

    @Override
    public String afterInterruption() {
        return "the backup was stopped; an unfinished backup is never stored";
    }

    /** The --json document; every field is always present, null when it does not apply. */
    private ObjectNode document(String status, String key, Manifest m, BackupOutcome.LockHolder holder,
                                ObjectNode error) {
        ObjectNode doc = Json.object();
        doc.put("status", status);
        doc.put("key", key);
        doc.put("repository", repositoryLocation);
        doc.put("backupName", name);
        doc.put("kind", kind().toString());
        doc.put("source", target == null ? null : target.toString());
        doc.put("snapshotTime", m == null ? null : Json.time(m.snapshotTime()));
        doc.put("database", m == null || m.database() == null ? null : m.database().name());
        doc.put("serverVersion", m == null || m.database() == null ? null : m.database().serverVersion());
        if (m == null) {
            doc.putNull("tables");
            doc.putNull("rows");
            doc.putNull("rawBytes");
            doc.putNull("storedBytes");
            doc.putNull("durationMillis");
        } else {
            doc.put("tables", m.tables().size());
            doc.put("rows", m.totalRows());
            doc.put("rawBytes", m.rawBytes());
            doc.put("storedBytes", m.storedBytes());
            doc.put("durationMillis", m.durationMillis());
        }
        doc.put("sha256", m == null ? null : m.sha256());
        doc.set("holder", holder == null ? null : holderJson(holder));
        doc.set("error", error);
        return doc;
    }

    /** {"runId", "owner", "takenAt", "expiresAt"}. */
    static ObjectNode holderJson(BackupOutcome.LockHolder holder) {
        ObjectNode h = Json.object();
        h.put("runId", holder.runId());
        h.put("owner", holder.owner());
        h.put("takenAt", Json.time(holder.takenAt()));
        h.put("expiresAt", Json.time(holder.expiresAt()));
        return h;
    }

    private BackupKind kind() {
        return manual ? BackupKind.MANUAL : BackupKind.DAILY;
    }
}
