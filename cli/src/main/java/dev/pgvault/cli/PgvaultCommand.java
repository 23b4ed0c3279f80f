package dev.pgvault.cli;

import dev.pgvault.Version;
import dev.pgvault.cli.pitr.PitrCommand;
import dev.pgvault.errors.PgvaultException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top of the command tree. */
@Command(name = "pgvault",
        mixinStandardHelpOptions = true,
        versionProvider = PgvaultCommand.VersionProvider.class,
        description = "Backups, verification and restores for PostgreSQL (RDS) serving Kubernetes applications.",
        subcommands = {BackupCommand.class, RestoreCommand.class, ListCommand.class, DrillCommand.class,
            PitrCommand.class})
public final class PgvaultCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static CommandLine commandLine(Terminal terminal) {
        CommandLine commandLine = new CommandLine(new PgvaultCommand(), new Factory(terminal));
        commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
            // Named failures are the operator's to read: one line, no stack trace.
            if (e instanceof PgvaultException || e instanceof CommandFailure) {
                terminal.error(e.getMessage());
                return e instanceof CommandFailure failure ? failure.exitCode() : 1;
            }
            terminal.error("unexpected failure: " + e);
            e.printStackTrace(terminal.err());
            return 70;
        });
        return commandLine;
    }

    /** Gives every command the terminal. */
    private record Factory(Terminal terminal) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                return type.getConstructor(Terminal.class).newInstance(terminal);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
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
