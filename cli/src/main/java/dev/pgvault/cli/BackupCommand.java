package dev.pgvault.cli;

import dev.pgvault.archive.Compression;
import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.crypto.Encryptor;
import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.BackupStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgvault backup --database-url URL --repo REPO [--manual]}: the same backup the Lambda takes. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Back up a database to a repository (daily/ by default, manual/ with --manual).")
public final class BackupCommand implements Callable<Integer> {
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

    @Option(names = "--compression-level", defaultValue = "6", paramLabel = "1-9",
            description = "gzip level (default: ${DEFAULT-VALUE}).")
    int compressionLevel;

    @Option(names = "--lock-timeout", defaultValue = "60", paramLabel = "SECONDS",
            description = "How long to wait for table locks before giving up (default: ${DEFAULT-VALUE}).")
    int lockTimeoutSeconds;

    @Option(names = "--keep-owners-and-privileges",
            description = "Write OWNER TO and GRANT/REVOKE into the backup; the restore then needs the same roles."
                    + " Default: none, so any role can restore it into any instance.")
    boolean keepOwnersAndPrivileges;

    public BackupCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        if (compressionLevel < 1 || compressionLevel > 9) {
            throw new CommandFailure("--compression-level must be 1 to 9, got " + compressionLevel, 2);
        }
        DatabaseTarget target = database.target();
        Encryptor encryptor = encryption.encryptor(); // bad key options fail before anything is touched
        BackupStore store = repository.open();
        java.nio.file.Path keys = dev.pgvault.archive.signing.LocalSigningKey.defaultDirectory(System.getenv());
        var signer = dev.pgvault.archive.signing.LocalSigningKey.loadOrCreate(keys,
                () -> terminal.error("created a manifest signing key in " + keys));
        BackupService service = new BackupService(store, target::connect, BackupMetrics.NONE, Clock.systemUTC(),
                new DumpOptions(Duration.ofSeconds(lockTimeoutSeconds), keepOwnersAndPrivileges), signer);
        BackupRequest request = new BackupRequest(manual ? BackupKind.MANUAL : BackupKind.DAILY, name,
                Compression.GZIP, compressionLevel, encryptor, dev.pgvault.backup.RunOwner.thisProcess(), false);
        BackupOutcome outcome = service.run(request, new ProgressReporter(terminal));
        if (!outcome.written()) {
            terminal.say("skipped " + store.location() + "/" + outcome.key() + ": " + outcome.status());
            return 0;
        }
        Manifest m = outcome.manifest();
        terminal.say(String.format("backed up %s to %s/%s: %d tables, %,d rows, %s -> %s stored, %s, sha256 %s",
                target, store.location(), m.key(), m.tables().size(), m.totalRows(), Terminal.bytes(m.rawBytes()),
                Terminal.bytes(m.storedBytes()), Terminal.seconds(Duration.ofMillis(m.durationMillis())),
                m.sha256().substring(0, 16)));
        return 0;
    }

}
