package dev.pgvault.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.archive.UploadManifest;
import dev.pgvault.backup.ArtifactWriter;
import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.backup.ConfigBackupRequest;
import dev.pgvault.backup.ConfigBackupService;
import dev.pgvault.backup.LeaseTimes;
import dev.pgvault.backup.RunOwner;
import dev.pgvault.backup.UploadOutcome;
import dev.pgvault.kube.ResourceKind;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.run.Cancellation;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pgvault config backup --repo REPO --namespace NS...}: what the upload function's daily run does. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = "Back up namespaces' Kubernetes objects to config/<namespace>-config-YYYY-MM-DD.yaml.gz, and"
                + " (encrypted only) the sealed-secrets controller's keys.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:every file written, or already complete",
            "1:failed: nothing incomplete was left under the failing file's key",
            ExitCodes.USAGE_LINE,
            "75:another live run holds a file's lock: retry later",
            ExitCodes.SIGNALS_130,
            ExitCodes.SIGNALS_143})
public final class ConfigBackupCommand implements Callable<Integer>, Json.Reporting, Failures.Interruptible {
    private final Invocation invocation;
    private final Terminal terminal;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    EncryptOptions encryption;

    @Mixin
    SigningOptions signing;

    @Option(names = "--namespace", required = true, paramLabel = "NS",
            description = "A namespace to back up; repeat for several.")
    List<String> namespaces = new ArrayList<>();

    @Option(names = "--custom-resource", paramLabel = "Kind.version.group",
            description = "A custom resource to export besides the built-in kinds; repeatable."
                    + " Default: SealedSecret.v1alpha1.bitnami.com.")
    List<String> customResources = new ArrayList<>();

    @Option(names = "--sealed-secrets-namespace", defaultValue = "kube-system", paramLabel = "NS",
            description = "Where the sealed-secrets controller keeps its keys (default: ${DEFAULT-VALUE}).")
    String sealedSecretsNamespace;

    @Option(names = "--no-sealed-secrets-keys", description = "Do not export the sealed-secrets controller's keys.")
    boolean noKeys;

    @Option(names = "--compression-level", defaultValue = "6", paramLabel = "1-9",
            description = "gzip level (default: ${DEFAULT-VALUE}).")
    int compressionLevel;

    @Option(names = "--json", description = "Print the outcome as one JSON document on stdout (messages go to stderr).")
    boolean json;

    private String repositoryLocation;

    public ConfigBackupCommand(Invocation invocation) {
        this.invocation = invocation;
        this.terminal = invocation.terminal();
    }

    @Override
    public Integer call() {
        if (json) {
            terminal.jsonMode();
        }
        return report(GuardedCommand.run(invocation, "config", this::backUp));
    }

    private ConfigBackupService.Result backUp(Cancellation cancellation) {
        if (compressionLevel < 1 || compressionLevel > 9) {
            throw new UsageError("--compression-level must be 1 to 9, got " + compressionLevel);
        }
        List<ResourceKind> custom = customResources.isEmpty() ? List.of(ResourceKind.SEALED_SECRET)
                : customResources.stream().map(ResourceKind::custom).toList();
        var encryptor = encryption.encryptor();
        BackupStore store = repository.open();
        repositoryLocation = store.location();
        var access = cluster.access(invocation);
        ArtifactWriter writer = new ArtifactWriter(store, signing.signer(invocation), Clock.systemUTC(),
                LeaseTimes.DEFAULT);
        terminal.say("backing up namespace(s) " + String.join(", ", namespaces) + " of the " + access.describe()
                + " to " + store.location());
        return new ConfigBackupService(writer, access).run(new ConfigBackupRequest(namespaces, custom,
                noKeys ? null : sealedSecretsNamespace, encryptor, compressionLevel, RunOwner.thisProcess()),
                cancellation);
    }

    private int report(ConfigBackupService.Result result) {
        for (UploadOutcome outcome : result.outcomes()) {
            terminal.say(line(repositoryLocation, outcome));
        }
        result.warnings().forEach(w -> terminal.error("WARNING: " + w));
        if (json) {
            terminal.document(Json.write(document(result, null)));
        }
        return result.outcomes().stream().anyMatch(o -> o.status() == BackupOutcome.Status.HELD)
                ? ExitCodes.HELD : ExitCodes.OK;
    }

    /** One human line per file: written with its figures, already complete, or held. */
    static String line(String repositoryLocation, UploadOutcome outcome) {
        UploadManifest m = outcome.manifest();
        String where = repositoryLocation + "/" + outcome.key();
        return switch (outcome.status()) {
            case WRITTEN -> "written " + where + ": " + contents(m) + ", " + Terminal.bytes(m.rawBytes()) + " -> "
                    + Terminal.bytes(m.storedBytes()) + " stored, sha256 " + m.sha256().substring(0, 16)
                    + (m.leftOut().isEmpty() ? "" : "; left out: " + String.join("; ", m.leftOut()));
            case ALREADY_COMPLETE -> "already complete: " + where + "; nothing to do";
            case HELD -> "held: " + where + " is being written by another run"
                    + BackupCommand.holder(outcome.holder()) + "; nothing was done, retry later";
        };
    }

    private static String contents(UploadManifest m) {
        if (m.objects() != null) {
            return Terminal.count(m.objects().size(), "object");
        }
        return Terminal.count(m.refs() == null ? 0 : m.refs().size(), "ref");
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
        return "the backup was stopped; an unfinished file is never stored";
    }

    private ObjectNode document(ConfigBackupService.Result result, ObjectNode error) {
        ObjectNode doc = Json.object();
        doc.put("repository", repositoryLocation);
        ArrayNode files = doc.putArray("files");
        if (result != null) {
            for (UploadOutcome outcome : result.outcomes()) {
                files.add(outcomeJson(outcome));
            }
        }
        ArrayNode warnings = doc.putArray("warnings");
        if (result != null) {
            result.warnings().forEach(warnings::add);
        }
        doc.set("error", error);
        return doc;
    }

    /** {"status", "key", "type", "objects"|"refs", "storedBytes", "sha256", "leftOut", "holder"}. */
    static ObjectNode outcomeJson(UploadOutcome outcome) {
        ObjectNode o = Json.object();
        UploadManifest m = outcome.manifest();
        o.put("status", outcome.status().name().toLowerCase(Locale.ROOT));
        o.put("key", outcome.key());
        o.put("type", m == null ? null : m.type());
        o.put("objects", m == null || m.objects() == null ? null : m.objects().size());
        o.put("refs", m == null || m.refs() == null ? null : m.refs().size());
        o.put("storedBytes", m == null ? null : m.storedBytes());
        o.put("sha256", m == null ? null : m.sha256());
        ArrayNode leftOut = o.putArray("leftOut");
        if (m != null) {
            m.leftOut().forEach(leftOut::add);
        }
        o.set("holder", outcome.holder() == null ? null : BackupCommand.holderJson(outcome.holder()));
        return o;
    }
}
