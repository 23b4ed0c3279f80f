package dev.pgvault.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/** {@code java -jar pgvault.jar ...}: the operator's command line. Exit code 0 only on success. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs one command with the given streams; returns its exit code (tests call this). */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        // The CLI logs warnings plainly to stderr; the Lambda's JSON layout is for CloudWatch.
        System.setProperty("log4j2.configurationFile", "classpath:log4j2-cli.xml");
        CommandLine commandLine = PgvaultCommand.commandLine(new Terminal(out, err));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
