package dev.pgvault.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * {@code java -jar pgvault.jar ...}: the operator's command line. Exit codes are in
 * {@link ExitCodes} (and each command's --help).
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // Ctrl-C and SIGTERM cancel the running backup or restore, which undoes its work first.
        Signals signals = Signals.install(System.err);
        System.exit(execute(args, System.out, System.err, System.getenv(), signals));
    }

    /** Runs one command with the given streams and this process's environment (no signal handling). */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        return execute(args, out, err, System.getenv());
    }

    /** The same with the given environment (libpq's variables, DATABASE_URL): what tests call. */
    public static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
        return execute(args, out, err, environment, Signals.none());
    }

    static int execute(String[] args, PrintStream out, PrintStream err, Map<String, String> environment,
                       Signals signals) {
        // The CLI logs warnings plainly to stderr; the Lambda's JSON layout is for CloudWatch.
        System.setProperty("log4j2.configurationFile", "classpath:log4j2-cli.xml");
        Invocation invocation = new Invocation(new Terminal(out, err), environment, signals);
        CommandLine commandLine = PgvaultCommand.commandLine(invocation);
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
