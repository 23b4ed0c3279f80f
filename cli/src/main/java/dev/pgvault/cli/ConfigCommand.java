package dev.pgvault.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pgvault config backup|restore}: the application's Kubernetes configuration. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Back up and restore the application's Kubernetes objects (and the sealed-secrets keys).",
        subcommands = {ConfigBackupCommand.class, ConfigRestoreCommand.class})
public final class ConfigCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
