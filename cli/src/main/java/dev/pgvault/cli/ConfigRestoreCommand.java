package dev.pgvault.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.kube.ConfigApplier;
import dev.pgvault.kube.ResourceKind;
import dev.pgvault.repository.ArtifactKey;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.restore.ConfigRestoreService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pgvault config restore --repo REPO --backup KEY|latest --namespace NS [--to-namespace NS2] [--dry-run]}:
 * applies a configuration backup in dependency order, one line per object.
 */
@Command(name = "restore", mixinStandardHelpOptions = true,
        description = "Apply a configuration backup to the cluster in dependency order: created, updated or unchanged"
                + " per object; nothing the backup lacks is deleted. --dry-run shows what would change.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:every object created, updated or unchanged (or, with --dry-run, would be)",
            "1:the backup could not be read or checked (nothing was applied), or some objects failed (listed)",
            ExitCodes.USAGE_LINE,
            ExitCodes.SIGNALS_130,
            ExitCodes.SIGNALS_143})
public final class ConfigRestoreCommand implements Callable<Integer>, Json.Reporting {
    private final Invocation invocation;
    private final Terminal terminal;

    @Mixin
    RepositoryOptions repository;

    @Mixin
    ClusterOptions cluster;

    @Mixin
    DecryptOptions decryption;

    @Mixin
    TrustOptions trust;

    @Option(names = "--backup", required = true, paramLabel = "KEY|latest",
            description = "A config key (pgvault list --type config), or latest for the namespace's newest.")
    String backup;

    @Option(names = "--namespace", paramLabel = "NS",
            description = "The namespace the backup is of (required with latest).")
    String namespace;

    @Option(names = "--to-namespace", paramLabel = "NS2",
            description = "Apply into this namespace instead (created if missing).")
    String toNamespace;

    @Option(names = "--dry-run", description = "Change nothing; show what would be created or updated, and how.")
    boolean dryRun;

    @Option(names = "--custom-resource", paramLabel = "Kind.version.group",
            description = "A custom resource kind in the backup whose plural is not its kind + s; repeatable.")
    List<String> customResources = new ArrayList<>();

    @Option(names = "--json", description = "Print the result as one JSON document on stdout.")
    boolean json;

    private String repositoryLocation;

    public ConfigRestoreCommand(Invocation invocation) {
        this.invocation = invocation;
        this.terminal = invocation.terminal();
    }

    @Override
    public Integer call() {
        if (json) {
            terminal.jsonMode();
        }
        if (dev.pgvault.repository.BackupCatalog.LATEST.equals(backup) && namespace == null) {
            throw new UsageError("--backup latest needs --namespace");
        }
        return print(GuardedCommand.run(invocation, "config restore", cancellation -> restore()));
    }

    private ConfigRestoreService.Report restore() {
        List<ResourceKind> custom = customResources.stream().map(ResourceKind::custom).toList();
        var decryptor = decryption.decryptor();
        BackupStore store = repository.open();
        repositoryLocation = store.location();
        var service = new ConfigRestoreService(store, trust.trust(invocation).keys(), cluster.access(invocation));
        boolean keys = ArtifactKey.parse(backup).map(k -> k.form() == ArtifactKey.Form.SEALED_SECRETS_KEYS)
                .orElse(false);
        if (keys) {
            if (toNamespace != null || dryRun) {
                throw new UsageError("the sealed-secrets keys are restored as they were: no --to-namespace or --dry-run");
            }
            return service.restoreKeys(backup, namespace, decryptor);
        }
        return service.restore(backup, namespace, toNamespace, dryRun, decryptor, custom);
    }

    private int print(ConfigRestoreService.Report report) {
        String verb = report.dryRun() ? "would be " : "";
        for (ConfigApplier.ObjectResult r : report.results()) {
            String action = r.action() == ConfigApplier.Action.FAILED ? "failed: " + r.reason()
                    : r.action() == ConfigApplier.Action.UNCHANGED ? "unchanged" : verb + r.action().word();
            terminal.say(String.format("%-48s %s", r.describe(), action));
            if (report.dryRun()) {
                r.diff().forEach(d -> terminal.say("    " + d));
            }
        }
        terminal.say((report.dryRun() ? "dry run of " : "restored ") + report.key() + " into namespace "
                + report.toNamespace() + ": " + report.count(ConfigApplier.Action.CREATED) + " " + verb + "created, "
                + report.count(ConfigApplier.Action.UPDATED) + " " + verb + "updated, "
                + report.count(ConfigApplier.Action.UNCHANGED) + " unchanged, "
                + report.count(ConfigApplier.Action.FAILED) + " failed");
        if (json) {
            terminal.document(Json.write(document(report, null)));
        }
        return report.failed() ? ExitCodes.FAILED : ExitCodes.OK;
    }

    @Override
    public boolean json() {
        return json;
    }

    @Override
    public ObjectNode failure(ObjectNode error) {
        return document(null, error);
    }

    private ObjectNode document(ConfigRestoreService.Report report, ObjectNode error) {
        ObjectNode doc = Json.object();
        doc.put("repository", repositoryLocation);
        doc.put("key", report == null ? null : report.key());
        doc.put("toNamespace", report == null ? toNamespace : report.toNamespace());
        doc.put("dryRun", dryRun);
        ArrayNode objects = doc.putArray("objects");
        if (report != null) {
            for (ConfigApplier.ObjectResult r : report.results()) {
                ObjectNode o = objects.addObject();
                o.put("kind", r.kind());
                o.put("namespace", r.namespace());
                o.put("name", r.name());
                o.put("action", r.action().word());
                ArrayNode diff = o.putArray("diff");
                r.diff().forEach(diff::add);
                o.put("reason", r.reason());
            }
        }
        doc.set("error", error);
        return doc;
    }
}
