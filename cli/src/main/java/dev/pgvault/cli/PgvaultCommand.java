package dev.pgvault.cli;

import dev.pgvault.Version;
import dev.pgvault.cli.pitr.PitrCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The top of the command tree. */
@Command(name = "pgvault",
        mixinStandardHelpOptions = true,
        versionProvider = PgvaultCommand.VersionProvider.class,
        description = "Backups, verification and restores for PostgreSQL (RDS) serving Kubernetes applications.",
        subcommands = {BackupCommand.class, RestoreCommand.class, ListCommand.class, DrillCommand.class,
            PitrCommand.class, KeyCommand.class, VerifyCommand.class, MetricsCommand.class, CheckCommand.class,
            TierCommand.class, ConfigCommand.class, CodeCommand.class, EraseCommand.class},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:success: backup written or already complete, restored, listed, verified OK, PITR started or done",
            "1:failed (a backup stores nothing, a restore rolls back); verify: any result but OK; check: anything to report; restore pitr: the execution failed",
            ExitCodes.USAGE_LINE,
            "3:restore pitr --wait: the execution timed out",
            "4:restore pitr --wait: the execution was stopped",
            "5:restore pitr, pitr status|enable: AWS unreachable or refusing",
            "75:backup: another live run holds the backup's lock (retry later); restore, verify: the backup is archived,"
                    + " its retrieval was requested (retry when the message says, or --wait)",
            ExitCodes.SIGNALS_130,
            ExitCodes.SIGNALS_143})
public final class PgvaultCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Read by {@link Failures} from the parse result, on whichever command it was given. */
    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "On failure, also print the stack trace (for a bug report).")
    boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static CommandLine commandLine(Invocation invocation) {
        return configure(new CommandLine(new PgvaultCommand(), new Factory(invocation)), invocation);
    }

    /**
     * Installs the one failure report (one line, exit code from {@link ExitCodes}) on a command
     * tree. {@code invocation} may be null (a command tested on its own): errors then go to the
     * command line's error writer.
     */
    public static CommandLine configure(CommandLine commandLine, Invocation invocation) {
        Failures failures = new Failures(invocation);
        commandLine.setExecutionExceptionHandler(failures);
        commandLine.setParameterExceptionHandler(failures);
        return commandLine;
    }

    /** Gives every command the invocation (or just its terminal). */
    private record Factory(Invocation invocation) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                return type.getConstructor(Invocation.class).newInstance(invocation);
            } catch (NoSuchMethodException e) {
                try {
                    return type.getConstructor(Terminal.class).newInstance(invocation.terminal());
                } catch (NoSuchMethodException e2) {
                    return CommandLine.defaultFactory().create(type);
                }
            }
        }
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"pgvault " + Version.current() + " (Java " + Runtime.version() + ")"};
        }
    }
}
