package dev.pgvault.cli;

import dev.pgvault.archive.Manifest;
import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.verify.VerificationRecord;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code pgvault list --repo REPO}: backups with date, size, tables and whether a restore was verified. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the backups in a repository.")
public final class ListCommand implements Callable<Integer> {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private final Terminal terminal;

    @Mixin
    RepositoryOptions repository;

    public ListCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public Integer call() {
        BackupStore store = repository.open();
        BackupCatalog catalog = new BackupCatalog(store);
        List<BackupCatalog.Entry> backups = catalog.list();
        terminal.say(String.format("%-55s %-16s %10s %6s %12s %s", "BACKUP", "TAKEN (UTC)", "SIZE", "TABLES", "ROWS",
                "VERIFIED"));
        for (BackupCatalog.Entry entry : backups) {
            Manifest manifest = catalog.manifest(entry.key().key());
            String verified = entry.verification().isEmpty() ? "never"
                    : VerificationRecord.load(store, entry.key().key())
                            .map(r -> r.status().toLowerCase() + " " + WHEN.format(r.checkedAt())).orElse("unreadable");
            terminal.say(String.format("%-55s %-16s %10s %6d %,12d %s", entry.key().key(),
                    WHEN.format(manifest.snapshotTime()), Terminal.bytes(entry.object().size()),
                    manifest.tables().size(), manifest.totalRows(), verified));
        }
        List<BackupCatalog.Incomplete> incomplete = catalog.incomplete();
        for (BackupCatalog.Incomplete object : incomplete) {
            terminal.say(String.format("%-55s %-16s %10s  (incomplete: %s)", object.key(),
                    WHEN.format(object.since()), object.size() == null ? "" : Terminal.bytes(object.size()),
                    object.why().description()));
        }
        terminal.say(backups.size() + (backups.size() == 1 ? " backup" : " backups") + " in " + store.location()
                + (incomplete.isEmpty() ? "" : ", " + incomplete.size() + " incomplete"));
        return 0;
    }
}
