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
        subcommands = RestorePitrCommand.class,
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:restored (and verified against the manifest, unless --no-verify)",
            "1:failed: the restore was rolled back, the target database is as it was",
            ExitCodes.USAGE_LINE + "; also a non-empty target without --clean",
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
            description = "Restore a plain SQL script (pgvault's or pg_dump's, .sql or .sql.gz) instead of a backup.")
    Path file;

    @Option(names = "--clean", description = "Drop the target's schemas first (in the same transaction).")
    boolean clean;

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
            trust = trustOptions.trust(invocation);
            // Checked before it is printed or a byte of the backup is read: signed by a trusted key, describing this object.
            manifest = SignedManifests.read(store, key, trust.keys(), trust.allowUnsigned(), trust.warn()).manifest();
            terminal.say(String.format("restoring %s from %s (snapshot %s, database %s, PostgreSQL %s) into %s", key,
                    repositoryLocation, BackupCommand.UTC.format(manifest.snapshotTime()),
                    manifest.database().name(), manifest.database().serverVersion(), target));
        }
        RestoreOptions options = new RestoreOptions(allowNonEmpty, clean, !noVerify, debug());
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
        return "the restore was rolled back; the target database is as it was";
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
        if (report == null) {
            doc.putNull("tables");
            doc.putNull("rows");
            doc.putNull("durationMillis");
            doc.putNull("verification");
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
        }
        doc.set("error", error);
        return doc;
    }
}
