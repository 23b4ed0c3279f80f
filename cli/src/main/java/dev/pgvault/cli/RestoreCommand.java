package dev.pgvault.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.crypto.Decryptor;
import dev.pgvault.cli.pitr.RestorePitrCommand;
import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.errors.BackupNotFoundException;
import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.restore.NewDatabaseRestore;
import dev.pgvault.restore.RestoreOptions;
import dev.pgvault.verify.ManifestTrust;
import dev.pgvault.verify.SignedManifests;
import dev.pgvault.restore.RestoreReport;
import dev.pgvault.restore.RestoreService;
import dev.pgvault.run.Cancellation;
import dev.pgvault.verify.VerificationRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pgvault restore --repo REPO --backup KEY|latest --database-url TARGET}: restores into an
 * empty database, verified against the manifest before it commits. {@code --file} restores a
 * plain SQL script (ours or pg_dump's, optionally .gz) instead.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Restore a backup into a database (all or nothing, checked against its manifest);"
                + " `restore pitr` restores RDS to a point in time and repoints the application.",
        subcommands = {RestorePitrCommand.class, dev.pgvault.cli.pitr.RestoreBackupCommand.class},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:restored (and verified against the manifest, unless --no-verify)",
            "1:failed: the restore was rolled back, the target database is as it was (--into-new-database: the new"
                    + " database was dropped); also --clean blocked by the application's locks",
            ExitCodes.USAGE_LINE + "; also a non-empty target without --clean, or a restore the preflight refuses",
            ExitCodes.ARCHIVED_LINE,
            ExitCodes.SIGNALS_130,
            ExitCodes.SIGNALS_143})
public final class RestoreCommand implements Callable<Integer>, Json.Reporting, Failures.Interruptible {
    private final Invocation invocation;
    private final Terminal terminal;

    @Mixin
    DatabaseOptions database;

    @Mixin
    DecryptOptions keys;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    TrustOptions trustOptions;

    @Mixin
    RetrievalOptions retrieval;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--backup", paramLabel = "KEY|latest",
            description = "Required with --repo: the backup's key (as `pgvault list` shows it), or 'latest': the newest"
                    + " backup of the database --name names.")
    String backup;

    @Option(names = "--name", paramLabel = "NAME",
            description = "With --backup latest: whose backups (like auth-db). May be left out when the repository"
                    + " holds backups of one database only.")
    String name;

    @Option(names = "--file", paramLabel = "PATH",
            description = "Restore a plain SQL script (pgvault's or pg_dump's, .sql, .sql.gz or .sql.zst) instead of a backup.")
    Path file;

    @Option(names = "--clean", description = "Drop what the target holds first, in the same transaction: its schemas,"
            + " what is in public (public itself keeps its owner and grants), its large objects.")
    boolean clean;

    @Option(names = "--lock-timeout", paramLabel = "SECONDS",
            description = "With --clean: how long each DROP waits for locks the application holds before the restore"
                    + " fails saying so (default: 10; 0 waits for ever).")
    Integer lockTimeoutSeconds;

    @Option(names = "--skip-preflight",
            description = "Do not refuse a restore the preflight finds too large for the server's lock table.")
    boolean skipPreflight;

    @Option(names = "--into-new-database", arity = "0..1", fallbackValue = "", paramLabel = "NAME",
            description = "Restore into a new database created on the target's server (NAME, default"
                    + " <database>_restore_<UTC time>) in many transactions, for databases too large for one;"
                    + " verified against the manifest; dropped again if anything fails. The URL's database is the one"
                    + " it replaces: its owner, privileges and settings are copied.")
    String intoNewDatabase;

    @Option(names = {"-j", "--jobs"}, paramLabel = "N",
            description = "With --into-new-database: connections loading table data (large tables in chunks), then"
                    + " building indexes and constraints, then verifying, side by side. Default: the cores available, at"
                    + " most 8 (--in-place uses the same). 1 applies the backup on one connection.")
    Integer jobs;

    @Option(names = "--swap",
            description = "With --into-new-database: once verified, rename the URL's database to"
                    + " <database>_pre_restore_<UTC time> and the new one to its name, in one transaction. Refused while"
                    + " sessions are connected to it.")
    boolean swap;

    @Option(names = "--terminate-connections",
            description = "With --swap: end the sessions still connected to the database being replaced instead of"
                    + " refusing.")
    boolean terminateConnections;

    @Option(names = "--maintenance-database", paramLabel = "NAME", defaultValue = "postgres",
            description = "With --into-new-database: the database connected to for CREATE, RENAME and DROP DATABASE"
                    + " (default: ${DEFAULT-VALUE}).")
    String maintenanceDatabase;

    @Option(names = "--in-place",
            description = "The runbook's in-place restore, keeping the URL's database name: scale --deployment to 0"
                    + " (remembering its replicas), restore into a new database (verified, the erasure ledger applied),"
                    + " rename the live database to <db>_pre_restore_<UTC time> (never dropped) and the new one into its"
                    + " name, run --migrate-job, scale back up and wait for the rollout. On failure the original is"
                    + " renamed back and the replicas restored.")
    boolean inPlace;

    @Option(names = "--namespace", paramLabel = "NS", description = "With --in-place: the application's namespace.")
    String namespace;

    @Option(names = "--deployment", paramLabel = "NAME", description = "With --in-place: the deployment to scale.")
    String deployment;

    @Option(names = "--secret", paramLabel = "NAME",
            description = "With --in-place --migrate-job: the secret holding the application's DATABASE_URL (key database-url).")
    String appSecret;

    @Option(names = "--migrate-job", paramLabel = "FILE",
            description = "With --in-place: a Kubernetes Job (YAML or JSON) run on the restored database before the"
                    + " application starts (npx prisma migrate deploy); its failure undoes the restore.")
    Path migrateJob;

    @Option(names = "--rollout-timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "With --in-place: how long the scale-up and the migration Job may take (default: ${DEFAULT-VALUE}).")
    int rolloutTimeoutSeconds;

    @Option(names = "--kubernetes-api", paramLabel = "URL", hidden = true,
            description = "The Kubernetes API server instead of the kubeconfig's (tests).")
    String kubernetesApi;

    @Option(names = "--allow-non-empty", description = "Apply on top of what the target already holds.")
    boolean allowNonEmpty;

    @Option(names = "--no-verify", negatable = false,
            description = "Skip comparing the restored tables with the manifest before committing.")
    boolean noVerify;

    @Option(names = "--json", description = "Print the outcome as one JSON document on stdout (messages go to stderr).")
    boolean json;

    /** What the documents say about the run; filled in as the run goes. */
    private String repositoryLocation;
    private String key;
    private Manifest manifest;
    private DatabaseTarget target;
    private ManifestTrust trust;
    private NewDatabaseRestore.Report newDatabaseReport;

    public RestoreCommand(Invocation invocation) {
        this.invocation = invocation;
        this.terminal = invocation.terminal();
    }

    @Override
    public Integer call() throws SQLException, IOException {
        if (json) {
            terminal.jsonMode();
        }
        checkOptions();
        target = database.target(invocation);
        Decryptor decryptor = keys.decryptor();
        BackupStore store = null;
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new UsageError("--file " + file + ": no such file");
            }
        } else {
            store = repository.open();
            repositoryLocation = store.location();
            BackupCatalog catalog = new BackupCatalog(store);
            key = choose(catalog);
            retrieval.makeReadable(store, key, invocation);
            trust = trustOptions.trust(invocation);
            // Checked before it is printed or a byte of the backup is read: signed by a trusted key, describing this object.
            manifest = SignedManifests.read(store, key, trust.keys(), trust.allowUnsigned(), trust.warn()).manifest();
            terminal.say(String.format("restoring %s from %s (snapshot %s, database %s, PostgreSQL %s) into %s", key,
                    repositoryLocation, BackupCommand.UTC.format(manifest.snapshotTime()),
                    manifest.database().name(), manifest.database().serverVersion(), target));
        }
        if (inPlace) {
            InPlaceRun.Outcome done = new InPlaceRun(invocation, store, trust, target, kubernetesApi,
                    Duration.ofSeconds(rolloutTimeoutSeconds)).run(key, namespace, deployment, appSecret, migrateJob,
                    decryptor, new ProgressReporter(terminal));
            terminal.say(String.format("restored %s in place into %s: %s, %s; %s runs on it again (%d replicas); the"
                            + " database it replaced is kept as %s (drop it when you no longer need it)", key,
                    target.database(), Terminal.count(done.result().restore().tables(), "table"),
                    Terminal.count(done.result().restore().rows(), "row"), deployment, done.result().replicas(),
                    done.result().previous()));
            return ExitCodes.OK;
        }
        if (intoNewDatabase != null) {
            return intoNewDatabase(store, decryptor);
        }
        RestoreOptions options = new RestoreOptions(allowNonEmpty, clean, !noVerify, debug())
                .withCleanLockTimeout(Duration.ofSeconds(lockTimeoutSeconds == null ? 10 : lockTimeoutSeconds))
                .withPreflight(!skipPreflight);
        ProgressReporter progress = new ProgressReporter(terminal);
        RestoreReport report;
        Cancellation cancellation = invocation.signals().begin(new Cancellation());
        try (Connection connection = Connections.open(target, cancellation, terminal)) {
            if (file != null) {
                try (InputStream script = Files.newInputStream(file)) {
                    report = new RestoreService(null, Clock.systemUTC()).restoreScript(script, file.toString(),
                            connection, target.toString(), options, progress);
                } catch (NoSuchFileException e) {
                    throw new UsageError("--file " + file + ": no such file");
                }
            } else {
                report = new RestoreService(store, Clock.systemUTC(), trust).restore(key, connection, target.toString(),
                        options, decryptor, progress);
                if (report.verification() != null) {
                    record(store, report);
                }
            }
        } finally {
            invocation.signals().end();
        }
        terminal.say(String.format("restored %s into %s: %s, %s, %s%s", report.source(), report.target(),
                Terminal.count(report.tables(), "table"), Terminal.count(report.rows(), "row"), Terminal.seconds(report.duration()),
                report.verification() == null ? " (not verified: " + (noVerify ? "--no-verify" : "no manifest") + ")"
                        : ", verified against the manifest"));
        if (json) {
            terminal.document(Json.write(document("restored", report, null)));
        }
        return ExitCodes.OK;
    }

    /**
     * --into-new-database [--swap]: connections are opened per database on the target's server; a
     * cancellation aborts the restore's own connection to the new database and keeps the one to the
     * maintenance database, on which the new database is then dropped.
     */
    private Integer intoNewDatabase(BackupStore store, Decryptor decryptor) {
        NewDatabaseRestore.Options options = NewDatabaseRestore.Options
                .into(intoNewDatabase.isEmpty() ? null : intoNewDatabase)
                .withSwap(swap, terminateConnections)
                .withMaintenanceDatabase(maintenanceDatabase)
                .withPreflight(!skipPreflight)
                .withShowRowData(debug());
        if (jobs != null) {
            options = options.withJobs(jobs);
        }
        ProgressReporter progress = new ProgressReporter(terminal);
        Cancellation cancellation = invocation.signals().begin(new Cancellation());
        boolean[] told = {false};
        NewDatabaseRestore.Connector connector = name -> {
            DatabaseTarget on = target.withDatabase(name);
            Connection connection = on.connect();
            if (!told[0]) {
                told[0] = true;
                terminal.say("connected to " + on + ": " + on.negotiatedTls(connection).line());
            }
            return connection;
        };
        NewDatabaseRestore.Report outcome;
        try {
            outcome = new RestoreService(store, Clock.systemUTC(), trust).restoreIntoNewDatabase(key,
                    connector.abortedOn(cancellation, maintenanceDatabase),
                    target.database(), options, decryptor, progress);
        } finally {
            invocation.signals().end();
        }
        RestoreReport report = outcome.restore();
        newDatabaseReport = outcome;
        record(store, report);
        terminal.say(String.format("restored %s into %s%s: %s, %s, %s, verified against the manifest",
                report.source(), outcome.database(), outcome.previous() == null ? " (a new database)"
                        : " (as the new database " + report.target() + ", then swapped in; the database it replaced is"
                        + " kept as " + outcome.previous() + ")",
                Terminal.count(report.tables(), "table"), Terminal.count(report.rows(), "row"),
                Terminal.seconds(report.duration())));
        if (outcome.previous() == null) {
            terminal.say("the restored database is " + outcome.database() + "; " + target.database()
                    + " is unchanged: point the application at " + outcome.database()
                    + " (or run again with --swap to rename it into place)");
        }
        for (String warning : outcome.warnings()) {
            terminal.error("warning: " + warning);
        }
        if (json) {
            terminal.document(Json.write(document("restored", report, null)));
        }
        return ExitCodes.OK;
    }

    /** --debug also keeps row values in a failing statement's error (personal data, left out by default). */
    private boolean debug() {
        var parsed = spec.commandLine().getParseResult();
        return parsed != null && parsed.hasMatchedOption("--debug");
    }

    private void checkOptions() {
        if (repository.given() == (file != null)) {
            throw new UsageError("give either --repo (with --backup KEY|latest) or --file");
        }
        if (file != null && (backup != null || name != null)) {
            throw new UsageError("--backup and --name choose a backup in --repo; --file restores a script");
        }
        if (file == null && backup == null) {
            throw new UsageError("--backup is required with --repo: a key (see `pgvault list`) or 'latest' (with --name)");
        }
        if (name != null && !BackupCatalog.LATEST.equals(backup)) {
            throw new UsageError("--name chooses among the backups for --backup latest; a key names one already");
        }
        if (name != null) {
            BackupKey.checkName(name);
        }
        if (clean && allowNonEmpty) {
            throw new UsageError("--clean and --allow-non-empty exclude each other");
        }
        if (lockTimeoutSeconds != null && (!clean || lockTimeoutSeconds < 0)) {
            throw new UsageError(lockTimeoutSeconds < 0 ? "--lock-timeout: seconds, 0 or more"
                    : "--lock-timeout is how long --clean waits for locks; give it with --clean");
        }
        if (inPlace) {
            if (file != null || intoNewDatabase != null || clean || allowNonEmpty || noVerify || swap) {
                throw new UsageError("--in-place restores a backup from --repo into a new database and swaps it in"
                        + " itself: --file, --into-new-database, --swap, --clean, --allow-non-empty and --no-verify do"
                        + " not apply");
            }
            if (namespace == null || deployment == null) {
                throw new UsageError("--in-place needs --namespace and --deployment: the application to scale to 0 and back");
            }
            if (migrateJob != null && appSecret == null) {
                throw new UsageError("--migrate-job needs --secret: the application's secret, whose URL the Job gets");
            }
        } else if (namespace != null || deployment != null || appSecret != null || migrateJob != null) {
            throw new UsageError("--namespace, --deployment, --secret and --migrate-job go with --in-place");
        }
        if (intoNewDatabase != null) {
            if (file != null) {
                throw new UsageError("--into-new-database restores a backup from --repo: the new database is verified"
                        + " against its manifest before it is kept or swapped in");
            }
            if (clean || allowNonEmpty || noVerify) {
                throw new UsageError("--into-new-database restores into a new, empty database and always verifies it:"
                        + " --clean, --allow-non-empty and --no-verify do not apply");
            }
            if (!intoNewDatabase.isEmpty() && !intoNewDatabase.equals(intoNewDatabase.strip())) {
                throw new UsageError("--into-new-database: the name has leading or trailing spaces");
            }
        } else if (swap || terminateConnections || jobs != null) {
            throw new UsageError((swap ? "--swap" : terminateConnections ? "--terminate-connections" : "--jobs")
                    + " goes with --into-new-database" + (jobs != null && !swap && !terminateConnections
                    ? " (a restore into an existing database is one transaction, on one connection)" : ""));
        }
        if (jobs != null && (jobs < 1 || jobs > NewDatabaseRestore.Options.MAX_JOBS)) {
            throw new UsageError("--jobs must be 1 to " + NewDatabaseRestore.Options.MAX_JOBS + ", got " + jobs);
        }
        if (terminateConnections && !swap) {
            throw new UsageError("--terminate-connections ends the sessions at the --swap; give --swap too");
        }
    }

    /** The key to restore: the one given, or the newest complete backup of one database. */
    private String choose(BackupCatalog catalog) {
        if (!BackupCatalog.LATEST.equals(backup)) {
            return catalog.resolve(backup);
        }
        String backupName = name;
        if (backupName == null) {
            List<String> names = catalog.list().stream().map(e -> e.key().backupName()).distinct().sorted().toList();
            if (names.isEmpty()) {
                throw new BackupNotFoundException("there are no complete backups in " + repositoryLocation);
            }
            if (names.size() > 1) {
                throw new UsageError("--backup latest: " + repositoryLocation + " holds backups of " + names.size()
                        + " databases (" + String.join(", ", names) + "); say which with --name");
            }
            backupName = names.get(0);
            terminal.say("--backup latest: the repository holds backups of one database, " + backupName);
        }
        return catalog.resolve(BackupCatalog.LATEST, backupName);
    }

    /** Remembers that this backup restored and matched, for `pgvault list`; a read-only repo just warns. */
    private void record(BackupStore store, RestoreReport report) {
        try {
            VerificationRecord.of(report.verification(), report.target()).save(store);
        } catch (RuntimeException e) {
            terminal.error("warning: could not record the verification in " + store.location() + ": "
                    + Failures.oneLine(e.getMessage()));
        }
    }

    @Override
    public boolean json() {
        return json;
    }

    @Override
    public ObjectNode failure(ObjectNode error) {
        return document("failed", null, error);
    }

    @Override
    public String afterInterruption() {
        return intoNewDatabase != null ? "the new database was dropped; " + (target == null ? "the target database"
                : target.database()) + " is as it was" : "the restore was rolled back; the target database is as it was";
    }

    /** The --json document; every field is always present, null when it does not apply. */
    private ObjectNode document(String status, RestoreReport report, ObjectNode error) {
        ObjectNode doc = Json.object();
        doc.put("status", status);
        doc.put("repository", repositoryLocation);
        doc.put("file", file == null ? null : file.toString());
        if (manifest == null) {
            doc.putNull("backup");
        } else {
            ObjectNode b = doc.putObject("backup");
            b.put("key", key);
            b.put("backupName", manifest.backupName());
            b.put("kind", manifest.kind());
            b.put("snapshotTime", Json.time(manifest.snapshotTime()));
            b.put("database", manifest.database().name());
            b.put("serverVersion", manifest.database().serverVersion());
            b.put("sha256", manifest.sha256());
        }
        doc.put("target", target == null ? null : target.toString());
        if (intoNewDatabase != null) {
            ObjectNode fresh = doc.putObject("newDatabase");
            fresh.put("database", newDatabaseReport == null ? null : newDatabaseReport.database());
            fresh.put("swapped", newDatabaseReport != null && newDatabaseReport.previous() != null);
            fresh.put("previous", newDatabaseReport == null ? null : newDatabaseReport.previous());
            ArrayNode warnings = fresh.putArray("warnings");
            if (newDatabaseReport != null) {
                newDatabaseReport.warnings().forEach(warnings::add);
            }
        } else {
            doc.putNull("newDatabase");
        }
        if (report == null) {
            doc.putNull("tables");
            doc.putNull("rows");
            doc.putNull("durationMillis");
            doc.putNull("verification");
            doc.putNull("erasure");
        } else {
            doc.put("tables", report.tables());
            doc.put("rows", report.rows());
            doc.put("durationMillis", report.duration().toMillis());
            if (report.verification() == null) {
                doc.putNull("verification");
            } else {
                ObjectNode v = doc.putObject("verification");
                v.put("status", report.verification().status().name());
                ArrayNode differences = v.putArray("differences");
                report.verification().details().forEach(differences::add);
            }
            // what the erasure ledger changed before the restore committed: tables and counts, never subjects
            ObjectNode erasure = doc.putObject("erasure");
            erasure.put("entries", report.erasure().entries());
            erasure.put("rowsDeleted", report.erasure().rowsDeleted());
            erasure.put("rowsUpdated", report.erasure().rowsUpdated());
        }
        doc.set("error", error);
        return doc;
    }
}
