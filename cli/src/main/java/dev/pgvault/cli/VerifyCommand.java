package dev.pgvault.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.run.Cancellation;
import dev.pgvault.verify.ManifestTrust;
import dev.pgvault.verify.UserChecks;
import dev.pgvault.verify.VerificationPolicy;
import dev.pgvault.verify.VerificationReport;
import dev.pgvault.verify.VerificationRequest;
import dev.pgvault.verify.VerificationResult;
import dev.pgvault.verify.VerificationService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pgvault verify --repo REPO --backup KEY|latest --scratch-url URL}: restores a backup into
 * a scratch database on the given server, compares it with its manifest, runs the checks, drops
 * the scratch database and prints the result. The same service as the verification function: the
 * full check for a database too large for Lambda, run as a CronJob.
 */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Prove that a backup restores: restore it into a scratch database (created and always dropped),"
                + " compare every table with the manifest, run the checks; record the result beside the backup.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:OK: the backup restored, matched its manifest and passed every check",
            "1:any other result (MISSING, STALE, SUSPICIOUS_SIZE, CHECKSUM_MISMATCH, SIGNATURE_INVALID, DECRYPT_FAILED,"
                    + " RESTORE_FAILED, CONTENT_MISMATCH, CHECK_FAILED), or no result could be reached",
            ExitCodes.USAGE_LINE,
            ExitCodes.ARCHIVED_LINE + " (a backup named by its key)",
            ExitCodes.SIGNALS_130,
            ExitCodes.SIGNALS_143})
public final class VerifyCommand implements Callable<Integer>, Json.Reporting, Failures.Interruptible {
    private final Invocation invocation;
    private final Terminal terminal;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    DecryptOptions keys;

    @Mixin
    TrustOptions trustOptions;

    @Mixin
    RetrievalOptions retrieval;

    @Option(names = "--backup", paramLabel = "KEY|latest", required = true,
            description = "The backup's key (as `pgvault list` shows it), or 'latest': the newest backup of --name;"
                    + " when it fails, older ones are tried and the newest that restores is reported.")
    String backup;

    @Option(names = "--name", paramLabel = "NAME",
            description = "With --backup latest: whose backups (like auth-db). May be left out when the repository holds"
                    + " backups of one database only.")
    String name;

    @Option(names = "--scratch-url", paramLabel = "URL", required = true,
            description = "The server to restore on: postgresql://user@host:port/postgres (its database is only connected"
                    + " to; pgvault_verify_* databases are created and dropped beside it, so the user needs CREATEDB)."
                    + " The password from PGPASSWORD or ~/.pgpass.")
    String scratchUrl;

    @Option(names = "--checks", paramLabel = "FILE",
            description = "User checks: {\"checks\": [{\"name\": ..., \"sql\": ..., \"expect\": {\"min\": 1}}]}.")
    Path checksFile;

    @Option(names = "--freshness-hours", paramLabel = "H", defaultValue = "26",
            description = "The newest daily backup may be at most this old (default: ${DEFAULT-VALUE}).")
    int freshnessHours;

    @Option(names = "--json", description = "Print the result as one JSON document on stdout (messages go to stderr).")
    boolean json;

    private String repositoryLocation;
    private DatabaseTarget scratch;

    public VerifyCommand(Invocation invocation) {
        this.invocation = invocation;
        this.terminal = invocation.terminal();
    }

    @Override
    public Integer call() {
        if (json) {
            terminal.jsonMode();
        }
        if (name != null && !BackupCatalog.LATEST.equals(backup)) {
            throw new UsageError("--name chooses among the backups for --backup latest; a key names one already");
        }
        if (name != null) {
            BackupKey.checkName(name);
        }
        if (freshnessHours < 1) {
            throw new UsageError("--freshness-hours must be at least 1");
        }
        scratch = ConnectionSettings.resolve(scratchUrl, "--scratch-url", invocation.environment()).target();
        UserChecks checks = checksFile == null ? UserChecks.none() : UserChecks.parse(read(checksFile),
                checksFile.toString());
        BackupStore store = repository.open();
        repositoryLocation = store.location();
        String backupName = name;
        if (BackupCatalog.LATEST.equals(backup) && backupName == null) {
            List<String> names = new BackupCatalog(store).list().stream().map(e -> e.key().backupName()).distinct()
                    .sorted().toList();
            if (names.size() > 1) {
                throw new UsageError("--backup latest: " + repositoryLocation + " holds backups of " + names.size()
                        + " databases (" + String.join(", ", names) + "); say which with --name");
            }
            backupName = names.isEmpty() ? "auth-db" : names.get(0);
        }
        if (!BackupCatalog.LATEST.equals(backup)) {
            retrieval.makeReadable(store, backup, invocation); // the newest backups are never archived
        }
        ManifestTrust trust = trustOptions.trust(invocation);
        VerificationRequest request = new VerificationRequest(backup, backupName, scratch, checks, keys.decryptor(), null);
        terminal.say("verifying " + (BackupCatalog.LATEST.equals(backup) ? "the newest backup of " + backupName : backup)
                + " from " + repositoryLocation + " on " + scratch);
        VerificationService service = new VerificationService(store, trust, Clock.systemUTC(),
                VerificationPolicy.defaults().withFreshness(Duration.ofHours(freshnessHours)));
        Cancellation cancellation = invocation.signals().begin(new Cancellation());
        VerificationReport report;
        try {
            report = service.verify(request, cancellation);
        } finally {
            invocation.signals().end();
        }
        if (json) {
            terminal.document(Json.write(document(report, null)));
        } else {
            terminal.out().println(line(report));
        }
        return report.ok() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** The result as one line: status, key, details; the newest good backup and its age. */
    static String line(VerificationReport report) {
        VerificationResult result = report.result();
        StringBuilder line = new StringBuilder(result.status().name());
        if (result.key() != null) {
            line.append(' ').append(result.key());
        }
        if (!result.details().isEmpty()) {
            line.append(": ").append(String.join("; ", result.details().stream().map(Failures::oneLine).toList()));
        }
        if (report.newestGood() != null) {
            line.append(String.format(Locale.ROOT, " [RTO %s, RPO %.1f h]",
                    report.restoreTime() == null ? "n/a" : Terminal.seconds(report.restoreTime()),
                    report.rpo().toMillis() / 3_600_000.0));
        }
        return line.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageError("--checks " + file + ": no such file");
        } catch (IOException e) {
            throw new UsageError("--checks " + file + ": cannot read it (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public boolean json() {
        return json;
    }

    @Override
    public ObjectNode failure(ObjectNode error) {
        return document(null, error);
    }

    @Override
    public String afterInterruption() {
        return "the scratch database was dropped; nothing was recorded";
    }

    /** The --json document; every field is always present, null when it does not apply. */
    private ObjectNode document(VerificationReport report, ObjectNode error) {
        ObjectNode doc = Json.object();
        doc.put("status", report == null ? "failed" : report.status().name());
        doc.put("repository", repositoryLocation);
        doc.put("scratchServer", scratch == null ? null : scratch.toString());
        doc.put("backupName", report == null ? null : report.backupName());
        doc.put("key", report == null ? null : report.result().key());
        ArrayNode details = doc.putArray("details");
        ArrayNode attempts = doc.putArray("attempts");
        if (report != null) {
            report.result().details().forEach(details::add);
            for (VerificationResult attempt : report.attempts()) {
                ObjectNode a = attempts.addObject();
                a.put("key", attempt.key());
                a.put("status", attempt.status().name());
                ArrayNode d = a.putArray("details");
                attempt.details().forEach(d::add);
            }
        }
        doc.put("newestGoodBackup", report == null ? null : report.newestGood());
        doc.put("newestGoodSnapshotTime", report == null || report.newestGoodSnapshot() == null ? null
                : Json.time(report.newestGoodSnapshot()));
        doc.put("rpoSeconds", report == null || report.rpo() == null ? null : report.rpo().toSeconds());
        doc.put("restoreMillis", report == null || report.restoreTime() == null ? null
                : report.restoreTime().toMillis());
        doc.put("bytesVerified", report == null ? null : report.bytesVerified());
        doc.set("error", error);
        return doc;
    }
}
