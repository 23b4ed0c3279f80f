package dev.pgvault.cli.pitr;

import dev.pgvault.cli.ExitCodes;
import dev.pgvault.pitr.PitrInspector;
import dev.pgvault.pitr.PitrStatus;
import dev.pgvault.pitr.RestoreWindow;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code pgvault pitr status --instance ID}: retention, backup window, restorable window and lag. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show backup retention, the backup window, the earliest and latest restorable times, "
                + "and the lag: how much a restore right now would lose (the RPO available now).",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
                "0:done",
                "2:bad input (instance name, window, retention): nothing was changed",
                "5:AWS could not be reached or refused the call",
                "130:interrupted by Ctrl-C (SIGINT)",
                "143:interrupted by SIGTERM"})
public final class PitrStatusCommand implements Callable<Integer>, ExitCodes.AwsCommand {
    @ParentCommand
    PitrCommand parent;

    @Spec
    CommandSpec spec;

    @Mixin
    AwsOptions aws;

    @Option(names = "--instance", required = true, paramLabel = "ID", description = "The RDS instance.")
    String instance;

    @Override
    public Integer call() throws InterruptedException {
        return show();
    }

    private int show() {
        PrintWriter out = spec.commandLine().getOut();
        PitrStatus status = new PitrInspector(parent.clients(aws).rds()).status(instance);
        out.printf("Instance:                  %s (%s)%n", status.instanceId(), status.instanceStatus());
        if (!status.enabled()) {
            out.println("Point-in-time recovery:    off (automated backups are not kept)");
            out.printf("Turn it on with:           pgvault pitr enable --instance %s --retention-days 7 --window 02:00-03:00%n",
                    status.instanceId());
            return ExitCodes.OK;
        }
        out.printf("Point-in-time recovery:    on, backups kept %d day%s%n", status.retentionDays(),
                status.retentionDays() == 1 ? "" : "s");
        out.printf("Backup window (UTC):       %s%n", status.backupWindow());
        if (status.window().isEmpty()) {
            out.println("Restorable window:         none yet (no automated backup has completed)");
            return ExitCodes.OK;
        }
        RestoreWindow window = status.window().get();
        out.printf("Earliest restorable time:  %s%n", window.earliest());
        out.printf("Latest restorable time:    %s%n", window.latest());
        out.printf("Lag (RPO available now):   %s%n", Durations.human(status.lag(parent.clock().instant()).orElseThrow()));
        return ExitCodes.OK;
    }
}
