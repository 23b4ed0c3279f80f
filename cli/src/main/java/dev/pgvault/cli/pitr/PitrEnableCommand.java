package dev.pgvault.cli.pitr;

import dev.pgvault.cli.ExitCodes;
import dev.pgvault.pitr.BackupWindow;
import dev.pgvault.pitr.PitrEnabler;
import dev.pgvault.errors.InvalidRequestException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.rds.model.DBInstance;

/**
 * {@code pgvault pitr enable --instance ID --retention-days 7 --window 02:00-03:00}: the runbook's
 * {@code aws rds modify-db-instance}, looked at first. It shows what will change, and refuses
 * (exit 2, nothing changed) what would surprise production unless {@code --yes}: turning backups
 * on from retention 0 restarts the instance, and applying immediately also applies every
 * modification already pending on it. {@code --at-maintenance-window} leaves both to the window.
 */
@Command(name = "enable", mixinStandardHelpOptions = true,
        description = {"Keep automated backups (and so point-in-time recovery) for N days, taken in the given daily "
                + "window (UTC). Shows what changes first.",
                "Refuses, changing nothing, when applying now would restart the instance (retention 0 -> N) or apply "
                        + "modifications already pending on it, unless --yes; --at-maintenance-window avoids both."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
                "0:done, or nothing to change",
                "2:bad input, or refused (an outage or pending modifications without --yes): nothing was changed",
                "5:AWS could not be reached or refused the call",
                "130:interrupted by Ctrl-C (SIGINT)",
                "143:interrupted by SIGTERM"})
public final class PitrEnableCommand implements Callable<Integer>, ExitCodes.AwsCommand {
    @ParentCommand
    PitrCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    AwsOptions aws;

    @Option(names = "--instance", required = true, paramLabel = "ID", description = "The RDS instance.")
    String instance;

    @Option(names = "--retention-days", paramLabel = "N", defaultValue = "7",
            description = "Days of automated backups to keep, 1-35 (default: ${DEFAULT-VALUE}).")
    int retentionDays;

    @Option(names = "--window", paramLabel = "HH:MM-HH:MM", defaultValue = "02:00-03:00",
            description = "Daily backup window in UTC, at least 30 minutes (default: ${DEFAULT-VALUE}).")
    String window;

    @Option(names = "--at-maintenance-window",
            description = "Apply in the instance's next maintenance window (ApplyImmediately=false): a restart for "
                    + "retention 0 -> N happens then, and pending modifications stay pending.")
    boolean atMaintenanceWindow;

    @Option(names = "--yes", description = "Apply now even if it restarts the instance or applies pending modifications.")
    boolean yes;

    @Override
    public Integer call() throws InterruptedException {
        return enable();
    }

    private int enable() {
        PrintWriter out = spec.commandLine().getOut();
        BackupWindow backupWindow = BackupWindow.parse(window);
        PitrEnabler enabler = new PitrEnabler(parent.clients(aws).rds());
        PitrEnabler.Plan plan = enabler.plan(instance, retentionDays, backupWindow, !atMaintenanceWindow);
        if (plan.nothingToChange()) {
            out.printf("%s already keeps %d day%s of backups, taken daily in %s UTC: nothing to change.%n", instance,
                    plan.currentRetention(), plan.currentRetention() == 1 ? "" : "s", plan.currentWindow());
            return ExitCodes.OK;
        }
        out.printf("Changes to %s (%s):%n", instance, plan.status());
        plan.changes().forEach(change -> out.printf("  %s%n", change));
        if (!plan.pending().isEmpty()) {
            out.printf("Already pending on %s: %s%n", instance, String.join(", ", plan.pending()));
        }
        List<String> risks = plan.risks();
        if (!risks.isEmpty() && !yes) {
            throw new InvalidRequestException("refused, nothing was changed: " + String.join("; and ", risks));
        }
        DBInstance after = enabler.apply(plan);
        out.printf("Asked RDS to keep %d day%s of backups of %s, taken daily in %s UTC (%s).%n",
                retentionDays, retentionDays == 1 ? "" : "s", instance, backupWindow,
                atMaintenanceWindow ? "in the next maintenance window, " + plan.maintenanceWindow() + " UTC"
                        : "applied immediately" + (plan.outage() ? "; the instance restarts" : ""));
        if (after != null) {
            Integer pending = after.pendingModifiedValues() == null ? null
                    : after.pendingModifiedValues().backupRetentionPeriod();
            out.printf("RDS reports: status %s, retention %s day(s)%s, window %s.%n", after.dbInstanceStatus(),
                    after.backupRetentionPeriod(), pending == null ? "" : " (changing to " + pending + ")",
                    after.preferredBackupWindow());
        }
        out.printf("Check with: pgvault pitr status --instance %s%n", instance);
        return ExitCodes.OK;
    }
}
