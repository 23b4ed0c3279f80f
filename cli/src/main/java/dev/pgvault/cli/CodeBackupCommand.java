package dev.pgvault.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.backup.ArtifactWriter;
import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.backup.CodeBackupRequest;
import dev.pgvault.backup.CodeBackupService;
import dev.pgvault.backup.LeaseTimes;
import dev.pgvault.backup.RunOwner;
import dev.pgvault.backup.UploadOutcome;
import dev.pgvault.code.GitSource;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.run.Cancellation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgvault code backup --repo REPO --git-url URL [--token-file F]}: what the upload function's weekly run does. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Fetch a Git repository and store code/<name>-YYYY-MM-DD.tar.gz (the default branch's HEAD, as"
                + " git archive) and code/<name>-YYYY-MM-DD.bundle (every branch and tag with history).",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:both written, or already complete",
            "1:failed (unreachable repository, refused token, ...): nothing incomplete was stored",
            ExitCodes.USAGE_LINE,
            "75:another live run holds a file's lock: retry later",
            ExitCodes.SIGNALS_130,
            ExitCodes.SIGNALS_143})
public final class CodeBackupCommand implements Callable<Integer>, Json.Reporting, Failures.Interruptible {
    private final Invocation invocation;
    private final Terminal terminal;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    EncryptOptions encryption;

    @Mixin
    SigningOptions signing;

    @Option(names = "--git-url", required = true, paramLabel = "URL",
            description = "The repository: an https:// URL (without credentials), or file:// for a local one.")
    String gitUrl;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "HTTPS: a file whose first line is the access token (never printed).")
    Path tokenFile;

    @Option(names = "--git-username", defaultValue = "x-access-token", paramLabel = "USER",
            description = "The user the token is sent as (default: ${DEFAULT-VALUE}, GitHub's; GitLab: oauth2).")
    String gitUsername;

    @Option(names = "--name", paramLabel = "NAME",
            description = "The code's name in keys (default: the URL's last segment without .git, e.g. auth-service).")
    String name;

    @Option(names = "--compression-level", defaultValue = "6", paramLabel = "1-9",
            description = "gzip level of the tarball (default: ${DEFAULT-VALUE}).")
    int compressionLevel;

    @Option(names = "--json", description = "Print the outcome as one JSON document on stdout (messages go to stderr).")
    boolean json;

    private String repositoryLocation;

    public CodeBackupCommand(Invocation invocation) {
        this.invocation = invocation;
        this.terminal = invocation.terminal();
    }

    @Override
    public Integer call() {
        if (json) {
            terminal.jsonMode();
        }
        List<UploadOutcome> outcomes = GuardedCommand.run(invocation, "code", this::backUp);
        outcomes.forEach(o -> terminal.say(ConfigBackupCommand.line(repositoryLocation, o)));
        if (json) {
            terminal.document(Json.write(document(outcomes, null)));
        }
        return outcomes.stream().anyMatch(o -> o.status() == BackupOutcome.Status.HELD) ? ExitCodes.HELD : ExitCodes.OK;
    }

    private List<UploadOutcome> backUp(Cancellation cancellation) {
        if (compressionLevel < 1 || compressionLevel > 9) {
            throw new UsageError("--compression-level must be 1 to 9, got " + compressionLevel);
        }
        char[] token = tokenFile == null ? null : new String(EncryptOptions.read(tokenFile), StandardCharsets.UTF_8)
                .lines().findFirst().orElse("").strip().toCharArray();
        if (token != null && token.length == 0) {
            throw new UsageError("--token-file " + tokenFile + " is empty");
        }
        GitSource source = new GitSource(gitUrl, gitUsername, token);
        String codeName = name != null ? name : source.defaultName();
        var encryptor = encryption.encryptor();
        BackupStore store = repository.open();
        repositoryLocation = store.location();
        ArtifactWriter writer = new ArtifactWriter(store, signing.signer(invocation), Clock.systemUTC(),
                LeaseTimes.DEFAULT);
        terminal.say("backing up " + source.url() + " to " + store.location());
        return new CodeBackupService(writer).run(new CodeBackupRequest(source, codeName, encryptor, compressionLevel,
                RunOwner.thisProcess(), Path.of(System.getProperty("java.io.tmpdir"))), cancellation);
    }

    @Override
    public boolean json() {
        return json;
    }

    @Override
    public ObjectNode failure(ObjectNode error) {
        return document(List.of(), error);
    }

    @Override
    public String afterInterruption() {
        return "the backup was stopped; an unfinished file is never stored";
    }

    private ObjectNode document(List<UploadOutcome> outcomes, ObjectNode error) {
        ObjectNode doc = Json.object();
        doc.put("repository", repositoryLocation);
        doc.put("gitUrl", gitUrl);
        ArrayNode files = doc.putArray("files");
        outcomes.forEach(o -> files.add(ConfigBackupCommand.outcomeJson(o)));
        doc.set("error", error);
        return doc;
    }
}
