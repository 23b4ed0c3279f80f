package dev.pgvault.cli.pitr;

import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pgvault pitr}: point-in-time recovery settings of an RDS instance. Meant as a
 * subcommand of the top-level command; its own subcommands are {@code status} and {@code enable}.
 */
@Command(name = "pitr", mixinStandardHelpOptions = true,
        description = "Point-in-time recovery of the RDS instance: show its restorable window, or turn it on.",
        subcommands = {PitrStatusCommand.class, PitrEnableCommand.class})
public final class PitrCommand implements Runnable {
    @Spec
    CommandSpec spec;

    private final PitrClients injected;
    private final Clock clock;

    public PitrCommand() {
        this(null, Clock.systemUTC());
    }

    /** For tests and embedding: these clients (for every subcommand) instead of ones built from options. */
    public PitrCommand(PitrClients clients, Clock clock) {
        this.injected = clients;
        this.clock = clock;
    }

    PitrClients clients(AwsOptions options) {
        return injected != null ? injected : options.clients();
    }

    Clock clock() {
        return clock;
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "say which: pitr status|enable --instance ID");
    }
}
