package dev.pgvault.cli.pitr;

import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.PgvaultException;
import picocli.CommandLine.Model.CommandSpec;
import software.amazon.awssdk.core.exception.SdkException;

/** Runs a command's body and turns our errors into a one-line message and an exit code. */
final class Outcomes {
    interface Body {
        int run() throws InterruptedException;
    }

    private Outcomes() {
    }

    static int run(CommandSpec spec, Body body) throws InterruptedException {
        try {
            return body.run();
        } catch (InvalidRequestException e) {
            spec.commandLine().getErr().println("pgvault: " + e.getMessage());
            return ExitCodes.INVALID_REQUEST;
        } catch (PgvaultException | SdkException e) {
            spec.commandLine().getErr().println("pgvault: " + e.getMessage());
            return ExitCodes.AWS_ERROR;
        }
    }
}
