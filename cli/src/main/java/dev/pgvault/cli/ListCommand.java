package dev.pgvault.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.UploadManifest;
import dev.pgvault.archive.UploadManifestCodec;
import dev.pgvault.repository.ArtifactCatalog;
import dev.pgvault.repository.ArtifactType;
import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.ObjectStates;
import dev.pgvault.retention.StorageTier;
import dev.pgvault.verify.VerificationRecord;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pgvault list --repo REPO}: the backups (as the catalog decides: an object with its
 * manifest), with snapshot time, size, tables, rows and the last verified restore; then, apart,
 * the incomplete runs (an object without a manifest is not a backup).
 */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the backups in a repository, and apart from them the incomplete (interrupted or running) runs.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:listed",
            "1:the repository could not be read",
            ExitCodes.USAGE_LINE,
            "130:interrupted by Ctrl-C (SIGINT)",
            "143:interrupted by SIGTERM"})
public final class ListCommand implements Callable<Integer>, Json.Reporting {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

    private final Terminal terminal;

    @Mixin
    RepositoryOptions repository;

    @Option(names = "--json", description = "Print the listing as one JSON document on stdout.")
    boolean json;

    @Option(names = "--type", paramLabel = "TYPE",
            description = "Only backups of this type: database, config (Kubernetes objects) or code. Default: all.")
    String type;

    private String repositoryLocation;

    public ListCommand(Terminal terminal) {
        this.terminal = terminal;
    }

    /** A backup as listed: its catalog entry and what its manifest and verification record say. */
    private record Row(BackupCatalog.Entry entry, Manifest manifest, String manifestProblem,
                       Optional<VerificationRecord> verification, ObjectStates.ObjectState state) {}

    /** A configuration or code backup as listed, with what its manifest says. */
    private record Upload(ArtifactCatalog.Entry entry, UploadManifest manifest, String manifestProblem) {}

    @Override
    public Integer call() {
        if (json) {
            terminal.jsonMode();
        }
        ArtifactType only = type == null ? null : ArtifactType.parse(type);
        BackupStore store = repository.open();
        repositoryLocation = store.location();
        BackupCatalog catalog = new BackupCatalog(store);
        List<Row> rows = new ArrayList<>();
        List<BackupCatalog.Incomplete> incomplete = new ArrayList<>();
        if (only == null || only == ArtifactType.DATABASE) {
            for (BackupCatalog.Entry entry : catalog.list()) {
                rows.add(row(store, catalog, entry));
            }
            incomplete.addAll(catalog.incomplete());
        }
        List<Upload> uploads = new ArrayList<>();
        for (ArtifactType artifact : List.of(ArtifactType.CONFIG, ArtifactType.CODE)) {
            if (only == null || only == artifact) {
                ArtifactCatalog artifacts = new ArtifactCatalog(store);
                for (ArtifactCatalog.Entry entry : artifacts.list(artifact)) {
                    uploads.add(upload(store, entry));
                }
                incomplete.addAll(artifacts.incomplete(artifact));
            }
        }
        if (json) {
            terminal.document(Json.write(document(rows, uploads, incomplete, null)));
        } else {
            if (only == null || only == ArtifactType.DATABASE || !incomplete.isEmpty()) {
                print(rows, incomplete);
            }
            printUploads(uploads);
        }
        return ExitCodes.OK;
    }

    private static Upload upload(BackupStore store, ArtifactCatalog.Entry entry) {
        try {
            return new Upload(entry, UploadManifestCodec.decode(store.read(entry.key().manifestKey()),
                    entry.key().manifestKey()), null);
        } catch (RuntimeException e) {
            return new Upload(entry, null, Failures.oneLine(e.getMessage()));
        }
    }

    private void printUploads(List<Upload> uploads) {
        if (uploads.isEmpty()) {
            return;
        }
        int width = "BACKUP".length();
        for (Upload upload : uploads) {
            width = Math.max(width, upload.entry().key().key().length());
        }
        String format = "%-" + width + "s  %-6s  %-10s  %10s  %s";
        terminal.say(String.format(format, "BACKUP", "TYPE", "DATE (UTC)", "SIZE", "HOLDS"));
        for (Upload upload : uploads) {
            UploadManifest m = upload.manifest();
            String holds = m == null ? "manifest unreadable: " + upload.manifestProblem()
                    : m.objects() != null ? Terminal.count(m.objects().size(), "object")
                            + (m.leftOut().isEmpty() ? "" : " (some left out: see the manifest)")
                    : Terminal.count(m.refs() == null ? 0 : m.refs().size(), "ref")
                            + (m.head() == null ? "" : ", " + m.head().name() + " at " + m.head().objectId().substring(0, 12));
            terminal.say(String.format(format, upload.entry().key().key(), upload.entry().key().type(),
                    upload.entry().key().date(), Terminal.bytes(upload.entry().object().size()), holds));
        }
        terminal.say("");
        terminal.say(uploads.size() + (uploads.size() == 1 ? " configuration or code backup" : " configuration and code backups")
                + " in " + repositoryLocation);
    }

    private static Row row(BackupStore store, BackupCatalog catalog, BackupCatalog.Entry entry) {
        String key = entry.key().key();
        Manifest manifest = null;
        String problem = null;
        try {
            manifest = catalog.manifest(key);
        } catch (RuntimeException e) {
            problem = Failures.oneLine(e.getMessage());
        }
        Optional<VerificationRecord> verification = Optional.empty();
        if (entry.verification().isPresent()) {
            try {
                verification = VerificationRecord.load(store, key);
            } catch (RuntimeException e) {
                // shown as "unreadable" below
            }
        }
        ObjectStates.ObjectState state = null;
        if (store.objectStates().isPresent()) {
            try {
                state = store.objectStates().get().state(key).orElse(null);
            } catch (RuntimeException e) {
                // a role that may not HEAD backups: the listing's class is shown alone
            }
        }
        return new Row(entry, manifest, problem, verification, state);
    }

    private void print(List<Row> rows, List<BackupCatalog.Incomplete> incomplete) {
        int width = "BACKUP".length();
        for (Row row : rows) {
            width = Math.max(width, row.entry().key().key().length());
        }
        for (BackupCatalog.Incomplete object : incomplete) {
            width = Math.max(width, object.key().length());
        }
        String format = "%-" + width + "s  %-16s  %10s  %6s  %12s  %-22s  %s";
        if (!rows.isEmpty()) {
            terminal.say(String.format(format, "BACKUP", "SNAPSHOT (UTC)", "SIZE", "TABLES", "ROWS", "VERIFIED", "STORAGE"));
        }
        for (Row row : rows) {
            Manifest m = row.manifest();
            String verified = row.entry().verification().isEmpty() ? "never"
                    : row.verification().map(r -> r.status().toLowerCase() + " " + WHEN.format(r.checkedAt()))
                            .orElse("unreadable");
            if (m == null) {
                terminal.say(String.format("%-" + width + "s  manifest unreadable: %s", row.entry().key().key(),
                        row.manifestProblem()));
                continue;
            }
            terminal.say(String.format(format, row.entry().key().key(), WHEN.format(m.snapshotTime()),
                    Terminal.bytes(row.entry().object().size()), m.tables().size(), String.format("%,d", m.totalRows()),
                    verified, storage(row)));
        }
        if (!incomplete.isEmpty()) {
            terminal.say("");
            terminal.say("Incomplete (interrupted or still running; not backups, never restored):");
            for (BackupCatalog.Incomplete object : incomplete) {
                terminal.say(String.format("%-" + width + "s  %-16s  %10s  %s", object.key(),
                        object.since() == null ? "" : WHEN.format(object.since()),
                        object.size() == null ? "" : Terminal.bytes(object.size()), object.why().description()));
            }
        }
        if (!rows.isEmpty() || !incomplete.isEmpty()) {
            terminal.say("");
        }
        terminal.say(rows.size() + (rows.size() == 1 ? " backup, " : " backups, ") + incomplete.size()
                + " incomplete in " + repositoryLocation);
    }

    /** The class, the tier its tag asks for when Lifecycle has not moved it yet, and whether it can be read now. */
    private static String storage(Row row) {
        ObjectStates.ObjectState state = row.state();
        if (state == null) {
            return row.entry().object().storageClass();
        }
        String tier = state.tags().get(StorageTier.TAG);
        String text = state.storageClass() + (tier != null && !tier.equals(state.storageClass()) ? " -> " + tier : "");
        return switch (state.retrieval()) {
            case NOT_ARCHIVED -> text;
            case ARCHIVED -> text + " (archived: restore requests it)";
            case IN_PROGRESS -> text + " (retrieval under way)";
            case RESTORED -> text + " (retrieved, readable)";
        };
    }

    @Override
    public boolean json() {
        return json;
    }

    @Override
    public ObjectNode failure(ObjectNode error) {
        return document(List.of(), List.of(), List.of(), error);
    }

    /** The --json document; every field is always present, null when it does not apply. */
    private ObjectNode document(List<Row> rows, List<Upload> uploads, List<BackupCatalog.Incomplete> incomplete,
                                ObjectNode error) {
        ObjectNode doc = Json.object();
        doc.put("repository", repositoryLocation);
        ArrayNode uploaded = doc.putArray("uploads");
        for (Upload upload : uploads) {
            ObjectNode u = uploaded.addObject();
            UploadManifest m = upload.manifest();
            u.put("key", upload.entry().key().key());
            u.put("type", upload.entry().key().type().id());
            u.put("name", upload.entry().key().name());
            u.put("date", upload.entry().key().date().toString());
            u.put("storedBytes", upload.entry().object().size());
            u.put("sha256", m == null ? null : m.sha256());
            u.put("encryption", m == null ? null : m.encryptionMode());
            u.put("objects", m == null || m.objects() == null ? null : m.objects().size());
            u.put("refs", m == null || m.refs() == null ? null : m.refs().size());
            u.put("head", m == null || m.head() == null ? null : m.head().name());
            ArrayNode leftOut = u.putArray("leftOut");
            if (m != null) {
                m.leftOut().forEach(leftOut::add);
            }
            u.put("manifestError", upload.manifestProblem());
        }
        ArrayNode backups = doc.putArray("backups");
        for (Row row : rows) {
            ObjectNode b = backups.addObject();
            Manifest m = row.manifest();
            b.put("key", row.entry().key().key());
            b.put("backupName", row.entry().key().backupName());
            b.put("kind", row.entry().key().kind().toString());
            b.put("snapshotTime", m == null ? null : Json.time(m.snapshotTime()));
            b.put("database", m == null || m.database() == null ? null : m.database().name());
            b.put("serverVersion", m == null || m.database() == null ? null : m.database().serverVersion());
            b.put("storedBytes", row.entry().object().size());
            if (m == null) {
                b.putNull("rawBytes");
                b.putNull("tables");
                b.putNull("rows");
            } else {
                b.put("rawBytes", m.rawBytes());
                b.put("tables", m.tables().size());
                b.put("rows", m.totalRows());
            }
            b.put("sha256", m == null ? null : m.sha256());
            b.put("encryption", m == null ? null : m.encryptionMode());
            b.put("storageClass", row.state() == null ? row.entry().object().storageClass() : row.state().storageClass());
            b.put("tier", row.state() == null ? null : row.state().tags().get(StorageTier.TAG));
            b.put("retrieval", row.state() == null ? null
                    : row.state().retrieval().name().toLowerCase(java.util.Locale.ROOT));
            if (row.verification().isEmpty()) {
                b.putNull("verification");
            } else {
                ObjectNode v = b.putObject("verification");
                v.put("status", row.verification().get().status());
                v.put("checkedAt", Json.time(row.verification().get().checkedAt()));
            }
            b.put("manifestError", row.manifestProblem());
        }
        ArrayNode unfinished = doc.putArray("incomplete");
        for (BackupCatalog.Incomplete object : incomplete) {
            ObjectNode o = unfinished.addObject();
            o.put("key", object.key());
            o.put("bytes", object.size()); // null when unknown (an unfinished multipart upload)
            o.put("since", object.since() == null ? null : Json.time(object.since()));
            o.put("reason", object.why().description());
        }
        doc.set("error", error);
        return doc;
    }
}
