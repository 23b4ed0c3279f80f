package dev.pgvault.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.restore.CodeRestoreService;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgvault code restore --repo REPO --backup KEY|latest --to DIR [--tarball]}. */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Clone a code backup's bundle into a new directory (every branch and tag, the default branch"
                + " checked out), or with --tarball unpack its tarball.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:restored",
            "1:failed: the directory was not created",
            ExitCodes.USAGE_LINE,
            ExitCodes.SIGNALS_130,
            ExitCodes.SIGNALS_143})
public final class CodeRestoreCommand implements Callable<Integer>, Json.Reporting {
    private final Invocation invocation;
    private final Terminal terminal;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    DecryptOptions decryption;

    @Mixin
    TrustOptions trust;

    @Option(names = "--backup", required = true, paramLabel = "KEY|latest",
            description = "A code key (pgvault list --type code), or latest.")
    String backup;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "A new (or empty) directory.")
    Path to;

    @Option(names = "--tarball", description = "Unpack the tarball (the default branch's files, no history).")
    boolean tarball;

    @Option(names = "--name", paramLabel = "NAME",
            description = "With latest: which code (needed when the repository holds several).")
    String name;

    @Option(names = "--json", description = "Print the result as one JSON document on stdout.")
    boolean json;

    public CodeRestoreCommand(Invocation invocation) {
        this.invocation = invocation;
        this.terminal = invocation.terminal();
    }

    @Override
    public Integer call() {
        if (json) {
            terminal.jsonMode();
        }
        CodeRestoreService.Report report = GuardedCommand.run(invocation, "code restore", cancellation -> {
            var decryptor = decryption.decryptor();
            BackupStore store = repository.open();
            return new CodeRestoreService(store, trust.trust(invocation).keys())
                    .restore(backup, name, tarball, to, decryptor);
        });
        terminal.say("restored " + report.key() + " into " + report.directory() + ": "
                + (report.files() > 0 ? Terminal.count(report.files(), "file")
                : Terminal.count(report.refs(), "ref") + ", " + report.head().name() + " checked out at "
                + report.head().objectId().substring(0, 12)));
        if (json) {
            terminal.document(Json.write(document(report, null)));
        }
        return ExitCodes.OK;
    }

    @Override
    public boolean json() {
        return json;
    }

    @Override
    public ObjectNode failure(ObjectNode error) {
        return document(null, error);
    }

    private ObjectNode document(CodeRestoreService.Report report, ObjectNode error) {
        ObjectNode doc = Json.object();
        doc.put("key", report == null ? null : report.key());
        doc.put("directory", report == null ? String.valueOf(to) : report.directory().toString());
        doc.put("head", report == null || report.head() == null ? null : report.head().name());
        doc.put("commit", report == null || report.head() == null ? null : report.head().objectId());
        doc.put("refs", report == null ? null : report.refs());
        doc.put("files", report == null ? null : report.files());
        doc.set("error", error);
        return doc;
    }
}
