package dev.pgvault.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.repository.BackupCatalog;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.retention.Applied;
import dev.pgvault.retention.ArtifactPolicies;
import dev.pgvault.retention.ArtifactRetention;
import dev.pgvault.retention.Decision;
import dev.pgvault.retention.PlanTable;
import dev.pgvault.retention.RetentionPolicy;
import dev.pgvault.retention.TieringReport;
import dev.pgvault.retention.TieringService;
import dev.pgvault.run.Cancellation;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pgvault tier --repo REPO}: the retention plan of one backup name, applied (tier tags,
 * Object Lock extensions, deletes) or, with {@code --dry-run}, only printed. The same plan as the
 * tiering function's, with the same policy options as its template parameters; then the same for
 * every configuration and code series in the repository (deleted when expired, never tiered).
 */
@Command(name = "tier", mixinStandardHelpOptions = true,
        description = "Apply retention and storage tiering to the backups of one name, and retention to the"
                + " configuration and code backups, or show the plans (--dry-run).",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:applied (deletes refused by Object Lock are reported, not failures), or the dry run's plan printed",
            "1:the plan deleted more than --max-delete-percent allows, so nothing was deleted; or the repository failed",
            ExitCodes.USAGE_LINE,
            "130:interrupted by Ctrl-C (SIGINT)",
            "143:interrupted by SIGTERM"})
public final class TierCommand implements Callable<Integer>, Json.Reporting, Failures.Interruptible {
    private final Invocation invocation;
    private final Terminal terminal;

    @Mixin
    RepositoryOptions repository;

    @Option(names = "--name", paramLabel = "NAME",
            description = "The backup name (like auth-db); needed only when the repository holds several.")
    String name;

    @Option(names = "--dry-run", description = "Print the plan (backup, periods, class, action, reason); change nothing.")
    boolean dryRun;

    @Option(names = "--now", paramLabel = "TIME",
            description = "Plan as of this time (2027-01-31 or 2027-01-31T06:00:00Z) instead of now; only with --dry-run.")
    String now;

    @Option(names = "--daily-days", paramLabel = "N", description = "Keep every good backup of the last N days (default: ${DEFAULT-VALUE}).")
    int dailyDays = RetentionPolicy.DEFAULTS.dailyDays();

    @Option(names = "--weekly-weeks", paramLabel = "N", description = "Keep the newest good backup of the last N ISO weeks (default: ${DEFAULT-VALUE}).")
    int weeklyWeeks = RetentionPolicy.DEFAULTS.weeklyWeeks();

    @Option(names = "--monthly-months", paramLabel = "N", description = "Keep the newest good backup of the last N months (default: ${DEFAULT-VALUE}).")
    int monthlyMonths = RetentionPolicy.DEFAULTS.monthlyMonths();

    @Option(names = "--yearly-years", paramLabel = "N", description = "Keep the newest good backup of the last N years (default: ${DEFAULT-VALUE}).")
    int yearlyYears = RetentionPolicy.DEFAULTS.yearlyYears();

    @Option(names = "--keep-verified", paramLabel = "N", description = "Never delete the newest N verified backups (default: ${DEFAULT-VALUE}).")
    int keepVerified = RetentionPolicy.DEFAULTS.keepVerified();

    @Option(names = "--max-delete-percent", paramLabel = "P",
            description = "Delete nothing when the plan deletes more than P%% of the backups (default: ${DEFAULT-VALUE}).")
    int maxDeletePercent = (int) Math.round(RetentionPolicy.DEFAULTS.maxDeleteShare() * 100);

    @Option(names = "--config-days", paramLabel = "N",
            description = "Keep every configuration backup (config/) of the last N days of its series (default: ${DEFAULT-VALUE}).")
    int configDays = ArtifactPolicies.DEFAULT_CONFIG_DAYS;

    @Option(names = "--code-weeks", paramLabel = "N",
            description = "Keep the newest code backup (code/) of the last N ISO weeks of its series (default: ${DEFAULT-VALUE}).")
    int codeWeeks = ArtifactPolicies.DEFAULT_CODE_WEEKS;

    @Option(names = "--json", description = "Print the plan and what was done as one JSON document on stdout.")
    boolean json;

    private String repositoryLocation;
    /** The plans of the configuration and code series, after the database's. */
    private List<TieringReport> artifacts = List.of();

    public TierCommand(Invocation invocation) {
        this.invocation = invocation;
        this.terminal = invocation.terminal();
    }

    @Override
    public Integer call() {
        if (json) {
            terminal.jsonMode();
        }
        Instant at = planTime();
        if (maxDeletePercent < 1 || maxDeletePercent > 100) {
            throw new UsageError("--max-delete-percent must be between 1 and 100, got " + maxDeletePercent);
        }
        RetentionPolicy policy;
        ArtifactPolicies artifactPolicies;
        try {
            policy = new RetentionPolicy(dailyDays, weeklyWeeks, monthlyMonths, yearlyYears, keepVerified,
                    maxDeletePercent / 100.0);
            artifactPolicies = new ArtifactPolicies(configDays, codeWeeks, keepVerified, maxDeletePercent / 100.0);
        } catch (RuntimeException e) {
            throw new UsageError(e.getMessage());
        }
        BackupStore store = repository.open();
        repositoryLocation = store.location();
        String backupName = backupName(store);
        Cancellation cancellation = invocation.signals().begin(new Cancellation());
        TieringReport report;
        try {
            report = new TieringService(store).run(backupName, policy, at, dryRun, cancellation);
            artifacts = new ArtifactRetention(store).run(artifactPolicies, at, dryRun, cancellation);
        } finally {
            invocation.signals().end();
        }
        if (json) {
            terminal.document(Json.write(document(report, null)));
        } else {
            print(report);
            for (TieringReport artifact : artifacts) {
                terminal.say("");
                print(artifact);
            }
        }
        boolean refused = report.plan().refused() || artifacts.stream().anyMatch(r -> r.plan().refused());
        return refused ? ExitCodes.FAILED : ExitCodes.OK;
    }

    private Instant planTime() {
        if (now == null) {
            return Instant.now();
        }
        if (!dryRun) {
            throw new UsageError("--now previews a plan: it needs --dry-run (a real run plans as of now)");
        }
        try {
            return now.length() == 10 ? LocalDate.parse(now).atStartOfDay().toInstant(ZoneOffset.UTC) : Instant.parse(now);
        } catch (DateTimeParseException e) {
            throw new UsageError("--now must be a date (2027-01-31) or a UTC time (2027-01-31T06:00:00Z), got '" + now + "'");
        }
    }

    private String backupName(BackupStore store) {
        if (name != null) {
            try {
                BackupKey.checkName(name);
            } catch (RuntimeException e) {
                throw new UsageError("--name: " + e.getMessage());
            }
            return name;
        }
        TreeSet<String> names = new TreeSet<>();
        new BackupCatalog(store).list().forEach(e -> names.add(e.key().backupName()));
        if (names.size() != 1) {
            throw new UsageError(names.isEmpty() ? "there are no complete backups in " + store.location()
                    : "--name is needed: " + store.location() + " holds backups of " + String.join(", ", names));
        }
        return names.first();
    }

    private void print(TieringReport report) {
        if (report.dryRun()) {
            terminal.say(PlanTable.render(report.plan()).stripTrailing());
            return;
        }
        for (Applied applied : report.applied()) {
            if (applied.what() != Applied.What.UNCHANGED) {
                terminal.say(String.format("%-8s  %s  %s", applied.what().word(), applied.key(), applied.detail()));
            }
        }
        report.orphansRemoved().forEach(k -> terminal.say("removed   " + k + "  (sidecar of a backup deleted earlier)"));
        terminal.say(PlanTable.summary(report.plan()));
        terminal.say(String.format("%d deleted, %d tagged, %d lock extended, %d refused by Object Lock in %s",
                report.count(Applied.What.DELETED), report.tagged(), report.extended(),
                report.count(Applied.What.LOCKED) + report.count(Applied.What.REFUSED), repositoryLocation));
    }

    @Override
    public String afterInterruption() {
        return "stopped between two backups: each is as planned or untouched; the next run finishes the plan";
    }

    @Override
    public boolean json() {
        return json;
    }

    @Override
    public ObjectNode failure(ObjectNode error) {
        return document(null, error);
    }

    /** The --json document; every field is always present, null when it does not apply. */
    private ObjectNode document(TieringReport report, ObjectNode error) {
        ObjectNode doc = Json.object();
        doc.put("repository", repositoryLocation);
        doc.put("dryRun", dryRun);
        doc.put("backupName", report == null ? null : report.plan().backupName());
        doc.put("windowsFrom", report == null ? null : report.plan().anchor().map(Object::toString).orElse(null));
        doc.put("refusal", report == null ? null : report.plan().refusal().orElse(null));
        decisions(doc.putArray("backups"), report);
        if (report != null) {
            doc.putPOJO("orphansRemoved", report.orphansRemoved());
        } else {
            doc.putArray("orphansRemoved");
        }
        ArrayNode series = doc.putArray("artifacts");
        for (TieringReport artifact : artifacts) {
            ObjectNode one = series.addObject();
            one.put("series", artifact.plan().backupName());
            one.put("windowsFrom", artifact.plan().anchor().map(Object::toString).orElse(null));
            one.put("refusal", artifact.plan().refusal().orElse(null));
            decisions(one.putArray("files"), artifact);
        }
        doc.set("error", error);
        return doc;
    }

    private static void decisions(ArrayNode decisions, TieringReport report) {
        if (report != null) {
            Map<String, Applied> applied = new HashMap<>();
            report.applied().forEach(a -> applied.put(a.key(), a));
            for (Decision decision : report.plan().decisions()) {
                ObjectNode d = decisions.addObject();
                d.put("key", decision.key());
                ObjectNode periods = d.putObject("periods");
                decision.roles().forEach((role, label) -> periods.put(role.word(), label));
                d.put("class", decision.tier() == null ? null : decision.tier().s3Name());
                d.put("action", decision.action().name().toLowerCase(Locale.ROOT));
                d.put("retainUntil", decision.retainUntil() == null ? null : Json.time(decision.retainUntil()));
                d.put("reason", decision.reason());
                Applied done = applied.get(decision.key());
                d.put("done", done == null ? null : done.what().word());
                d.put("detail", done == null ? null : done.detail());
            }
        }
    }
}
