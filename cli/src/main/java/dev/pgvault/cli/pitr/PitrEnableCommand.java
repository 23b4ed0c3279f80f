package dev.pgvault.cli.pitr;

import dev.pgvault.cli.ExitCodes;
import dev.pgvault.pitr.BackupWindow;
import dev.pgvault.pitr.PitrEnabler;
import java.io.PrintWriter;
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
 * {@code aws rds modify-db-instance ... --apply-immediately}.
 */
@Command(name = "enable", mixinStandardHelpOptions = true,
        description = "Keep automated backups (and so point-in-time recovery) for N days, taken in the given daily "
                + "window (UTC). Applied immediately.",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
                "0:done",
                "2:bad input (instance name, window, retention): nothing was changed",
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

    @Override
    public Integer call() throws InterruptedException {
        return enable();
    }

    private int enable() {
        PrintWriter out = spec.commandLine().getOut();
        BackupWindow backupWindow = BackupWindow.parse(window);
        DBInstance after = new PitrEnabler(parent.clients(aws).rds()).enable(instance, retentionDays, backupWindow);
        out.printf("Asked RDS to keep %d day%s of backups of %s, taken daily in %s UTC (applied immediately).%n",
                retentionDays, retentionDays == 1 ? "" : "s", instance, backupWindow);
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
