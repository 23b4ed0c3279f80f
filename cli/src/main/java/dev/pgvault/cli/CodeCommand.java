package dev.pgvault.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code pgvault code backup|restore}: the application's Git repository. */
@Command(name = "code", mixinStandardHelpOptions = true,
        description = "Back up and restore the application's Git repository (a bundle of every ref, and a tarball).",
        subcommands = {CodeBackupCommand.class, CodeRestoreCommand.class})
public final class CodeCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
