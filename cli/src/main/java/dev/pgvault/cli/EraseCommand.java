package dev.pgvault.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.archive.crypto.Decryptor;
import dev.pgvault.erasure.ErasureEntry;
import dev.pgvault.erasure.ErasureLedger;
import dev.pgvault.erasure.ErasureReport;
import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.restore.ErasureStatements;
import dev.pgvault.retention.Decision;
import dev.pgvault.retention.Expiry;
import dev.pgvault.retention.RetentionPolicy;
import dev.pgvault.retention.TieringService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pgvault erase}: the GDPR erasure ledger. {@code erase configure --sql FILE} stores the
 * statements that erase one subject; {@code erase --subject ID --reason TEXT} records an erasure,
 * which every restore applies from then on; {@code erase report} lists which backups still hold
 * each erased subject. Subjects are never printed.
 */
@Command(name = "erase", mixinStandardHelpOptions = true,
        description = "Record a GDPR erasure in the repository's ledger; every restore (CLI, verification, restore"
                + " function and state machines) applies the ledger before the restored data is committed or used.",
        subcommands = {EraseCommand.Configure.class, EraseCommand.Report.class},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:recorded, configured or reported",
            "1:failed: nothing was recorded",
            ExitCodes.USAGE_LINE + "; also no erasure statements configured yet"})
public final class EraseCommand implements Callable<Integer> {
    private final Invocation invocation;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    EncryptOptions encryption;

    @Option(names = "--subject", paramLabel = "ID",
            description = "Whose data to erase, as the statements' :subject expects it (an e-mail address, a user id)."
                    + " It lands in your shell history: --subject-file avoids that.")
    String subject;

    @Option(names = "--subject-file", paramLabel = "FILE", description = "Read the subject from the file's first line.")
    Path subjectFile;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why (the request's reference); kept in the entry.")
    String reason;

    @Option(names = "--by", paramLabel = "NAME",
            description = "Who records it (default: the user running pgvault, from USER).")
    String by;

    @Option(names = "--object-lock", paramLabel = "MODE:DAYS",
            description = "In an S3 bucket with Object Lock: lock the entry for DAYS in MODE (e.g. governance:400), at"
                    + " least as long as the backups it applies to are kept.")
    String objectLock;

    @Option(names = "--json", description = "Print the entry's id, key and time as one JSON document on stdout.")
    boolean json;

    public EraseCommand(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public Integer call() {
        Terminal terminal = invocation.terminal();
        if (json) {
            terminal.jsonMode();
        }
        String who = by != null ? by : invocation.env("USER") != null ? invocation.env("USER")
                : System.getProperty("user.name");
        if ((subject == null) == (subjectFile == null)) {
            throw new UsageError("give the subject with --subject ID or --subject-file FILE (or use `erase configure`"
                    + " or `erase report`)");
        }
        if (reason == null || reason.isBlank()) {
            throw new UsageError("--reason is required: the request's reference, kept in the entry for the audit");
        }
        String whose = subject != null ? subject : new String(EncryptOptions.read(subjectFile), StandardCharsets.UTF_8)
                .lines().findFirst().orElse("");
        if (whose.isBlank()) {
            throw new UsageError("the subject is empty");
        }
        BackupStore store = repository.open(BackupCommand.objectLock(objectLock));
        ErasureLedger ledger = new ErasureLedger(store, Clock.systemUTC());
        ErasureLedger.Listed entry = ledger.append(whose, who, reason, encryption.encryptor());
        long holding = new BackupCatalog(store).list().size();
        terminal.say("recorded erasure " + entry.id() + " at " + entry.recordedAt() + " in " + store.location() + "/"
                + entry.key() + " (" + (encryption.mode == EncryptOptions.Mode.none ? "not encrypted"
                : "encrypted, " + encryption.mode) + "); every restore applies it from now on; the backups taken"
                + " before it still hold the subject until they expire: `pgvault erase report` lists them ("
                + Terminal.count(holding, "backup") + " in the repository now)");
        if (json) {
            ObjectNode doc = Json.object();
            doc.put("status", "recorded");
            doc.put("id", entry.id());
            doc.put("key", entry.key());
            doc.put("recordedAt", Json.time(entry.recordedAt()));
            doc.put("repository", store.location());
            terminal.document(Json.write(doc));
        }
        return ExitCodes.OK;
    }

    /** {@code pgvault erase configure --repo REPO --sql FILE}. */
    @Command(name = "configure", mixinStandardHelpOptions = true,
            description = "Store the statements that erase one subject (DELETE or UPDATE, each using :subject, bound as"
                    + " a parameter) in the repository, replacing earlier ones; they are checked first.")
    public static final class Configure implements Callable<Integer> {
        private final Invocation invocation;

        @Mixin
        RepositoryOptions repository;

        @Option(names = "--sql", paramLabel = "FILE", required = true,
                description = "The statements, e.g. DELETE FROM users WHERE email = :subject;")
        Path sql;

        public Configure(Invocation invocation) {
            this.invocation = invocation;
        }

        @Override
        public Integer call() {
            String text = new String(EncryptOptions.read(sql), StandardCharsets.UTF_8);
            ErasureStatements parsed = ErasureStatements.parse(text); // bad SQL: refused before the repository is opened
            BackupStore store = repository.open();
            new ErasureLedger(store, Clock.systemUTC()).configure(text);
            invocation.terminal().say("stored " + Terminal.count(parsed.statements().size(), "erasure statement")
                    + " in " + store.location() + "/" + dev.pgvault.repository.BackupArtifacts.ERASURE_STATEMENTS
                    + "; every restore applies them for every entry of the ledger");
            for (ErasureStatements.Statement statement : parsed.statements()) {
                invocation.terminal().say("  " + statement.label());
            }
            return ExitCodes.OK;
        }
    }

    /** {@code pgvault erase report --repo REPO [--subject ID --passphrase-file F]}. */
    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "For each erasure: the backups that still hold its subject (taken before it was recorded), by"
                    + " snapshot time, and when each expires. Subjects are not printed: --subject finds one person's"
                    + " erasures (with the backups' decryption key when the ledger is encrypted).")
    public static final class Report implements Callable<Integer> {
        private final Invocation invocation;

        @Mixin
        RepositoryOptions repository;

        @Mixin
        DecryptOptions keys;

        @Option(names = "--subject", paramLabel = "ID", description = "Only this subject's erasures.")
        String subject;

        @Option(names = "--json", description = "Print the report as one JSON document on stdout.")
        boolean json;

        public Report(Invocation invocation) {
            this.invocation = invocation;
        }

        @Override
        public Integer call() {
            Terminal terminal = invocation.terminal();
            if (json) {
                terminal.jsonMode();
            }
            BackupStore store = repository.open();
            ErasureLedger ledger = new ErasureLedger(store, Clock.systemUTC());
            List<ErasureLedger.Listed> entries = ledger.list();
            if (subject != null) {
                Decryptor decryptor = keys.decryptor();
                Set<String> ids = ledger.entries(decryptor).stream().filter(e -> e.subject().equals(subject))
                        .map(ErasureEntry::id).collect(Collectors.toSet());
                entries = entries.stream().filter(e -> ids.contains(e.id())).toList();
                if (entries.isEmpty()) {
                    terminal.say("no erasure of that subject is recorded in " + ledger.location());
                }
            }
            List<ErasureReport.Row> rows = ErasureReport.of(entries, new BackupCatalog(store), expiries(store));
            if (rows.isEmpty() && subject == null) {
                terminal.say("no erasures are recorded in " + ledger.location());
            }
            ArrayNode list = Json.object().arrayNode();
            for (ErasureReport.Row row : rows) {
                terminal.say("erasure " + row.entry().id() + " recorded " + row.entry().recordedAt() + ": "
                        + (row.backups().isEmpty() ? "no backup holds the subject"
                        : Terminal.count(row.backups().size(), "backup")
                        + (row.backups().size() == 1 ? " still holds" : " still hold") + " the subject"));
                ObjectNode item = list.addObject();
                item.put("id", row.entry().id());
                item.put("key", row.entry().key());
                item.put("recordedAt", Json.time(row.entry().recordedAt()));
                ArrayNode holders = item.putArray("backups");
                for (ErasureReport.Holder holder : row.backups()) {
                    terminal.say("  " + holder.key() + "  snapshot " + holder.snapshotTime() + "  "
                            + holder.storageClass() + "  expires " + holder.expires());
                    ObjectNode h = holders.addObject();
                    h.put("key", holder.key());
                    h.put("snapshotTime", Json.time(holder.snapshotTime()));
                    h.put("storageClass", holder.storageClass());
                    h.put("expires", holder.expires());
                }
            }
            if (json) {
                ObjectNode doc = Json.object();
                doc.put("repository", store.location());
                doc.set("erasures", list);
                terminal.document(Json.write(doc));
            }
            return ExitCodes.OK;
        }

        /**
         * Each backup's earliest expiry under the default retention policy (the tiering function's
         * defaults; a dry run of the same plan, nothing is changed).
         */
        private static ErasureReport.Expiry expiries(BackupStore store) {
            java.util.Map<String, String> byKey = new java.util.HashMap<>();
            TieringService tiering = new TieringService(store);
            java.time.Instant now = java.time.Instant.now();
            new BackupCatalog(store).list().stream().map(e -> e.key().backupName()).distinct().forEach(name -> {
                for (Decision decision : tiering.run(name, RetentionPolicy.DEFAULTS, now, true).plan().decisions()) {
                    byKey.put(decision.key(), Expiry.describe(decision, RetentionPolicy.DEFAULTS));
                }
            });
            return backup -> byKey.getOrDefault(backup.key().key(), "per retention policy");
        }
    }
}
