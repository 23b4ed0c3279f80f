package dev.pgvault.cli;

import dev.pgvault.cli.pitr.RestorePitrCommand;
import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.restore.RestoreOptions;
import dev.pgvault.restore.RestoreReport;
import dev.pgvault.restore.RestoreService;
import dev.pgvault.verify.VerificationRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
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
        subcommands = RestorePitrCommand.class)
public final class RestoreCommand implements Callable<Integer> {
    private final Terminal terminal;

    @Mixin
    DatabaseOptions database;

    @Mixin
    DecryptOptions keys;

    @Mixin
    RepositoryOptions repository;

    @Option(names = "--backup", paramLabel = "KEY|latest", defaultValue = "latest",
            description = "The backup's key, or 'latest' (default).")
    String backup;

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

    public RestoreCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() throws SQLException, IOException {
        if (repository.given() == (file != null)) {
            throw new CommandFailure("give either --repo (with --backup) or --file", 2);
        }
        if (clean && allowNonEmpty) {
            throw new CommandFailure("--clean and --allow-non-empty exclude each other", 2);
        }
        DatabaseTarget target = database.target();
        var decryptor = keys.decryptor();
        RestoreOptions options = new RestoreOptions(allowNonEmpty, clean, !noVerify);
        ProgressReporter progress = new ProgressReporter(terminal);
        RestoreReport report;
        try (Connection connection = target.connect()) {
            if (file != null) {
                try (InputStream script = Files.newInputStream(file)) {
                    report = new RestoreService(null, Clock.systemUTC()).restoreScript(script, file.toString(),
                            connection, target.toString(), options, progress);
                } catch (NoSuchFileException e) {
                    throw new CommandFailure("no file " + file, 1);
                }
            } else {
                BackupStore store = repository.open();
                report = new RestoreService(store, Clock.systemUTC()).restore(backup, connection, target.toString(),
                        options, decryptor, progress);
                if (report.verification() != null) {
                    record(store, report);
                }
            }
        }
        terminal.say(String.format("restored %s into %s: %d tables, %,d rows, %s%s", report.source(), report.target(),
                report.tables(), report.rows(), Terminal.seconds(report.duration()),
                report.verification() == null ? " (no manifest: not verified)" : ", verified against the manifest"));
        return 0;
    }

    /** Remembers that this backup restored and matched, for `pgvault list`; a read-only repo just warns. */
    private void record(BackupStore store, RestoreReport report) {
        try {
            VerificationRecord.of(report.verification(), report.target()).save(store);
        } catch (RuntimeException e) {
            terminal.error("warning: could not record the verification in " + store.location() + ": " + e.getMessage());
        }
    }
}
