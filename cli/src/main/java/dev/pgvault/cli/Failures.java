package dev.pgvault.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.errors.FailureClass;
import dev.pgvault.errors.PgvaultException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * How every command's failure is reported: one line on stderr, printed once, no stack trace
 * (unless {@code --debug}); with {@code --json} also the command's JSON document on stdout;
 * and the exit code from {@link ExitCodes}. Installed on the whole command tree by
 * {@link PgvaultCommand#configure}; commands just throw.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    /** A command that undoes its work when a signal stops it, and says what that left. */
    interface Interruptible {
        /** E.g. "the restore was rolled back; the target database is unchanged". */
        String afterInterruption();
    }

    private final Invocation invocation;

    /** @param invocation the run's terminal and signals; null to print on the command line's error writer */
    Failures(Invocation invocation) {
        this.invocation = invocation;
    }

    @Override
    public int handleExecutionException(Exception failure, CommandLine commandLine, ParseResult parseResult) {
        Object command = commandLine.getCommand();
        Signals signals = invocation == null ? null : invocation.signals();
        int code = ExitCodes.forFailure(failure, command, signals);
        String line = describe(failure, command, signals);
        report(commandLine, line, failure, debug(parseResult));
        if (command instanceof Json.Reporting reporting && reporting.json()) {
            document(reporting, ExitCodes.classify(failure, signals), line);
        }
        return code;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException failure, String[] args) {
        CommandLine commandLine = failure.getCommandLine();
        String line = failure.getMessage() + " (see '" + commandLine.getCommandSpec().qualifiedName() + " --help')";
        report(commandLine, line, failure, Arrays.asList(args).contains("--debug"));
        if (commandLine.getCommand() instanceof Json.Reporting reporting && Arrays.asList(args).contains("--json")) {
            document(reporting, FailureClass.INVALID_REQUEST, line);
        }
        return ExitCodes.USAGE;
    }

    /** The one line an operator reads. */
    static String describe(Throwable failure, Object command, Signals signals) {
        if (signals != null && signals.received().isPresent()) {
            String name = signals.received().get();
            return "interrupted by " + name
                    + (command instanceof Interruptible interruptible ? ": " + interruptible.afterInterruption() : "");
        }
        if (unexpected(failure)) {
            Throwable root = root(failure);
            return "internal error: " + root.getClass().getName() + ": " + oneLine(root.getMessage())
                    + " (run with --debug for the stack trace)";
        }
        if (failure instanceof OutOfMemoryError || root(failure) instanceof OutOfMemoryError) {
            return "out of memory (" + oneLine(root(failure).getMessage()) + "); give the JVM more with"
                    + " JAVA_TOOL_OPTIONS=-Xmx...";
        }
        String message = oneLine(failure.getMessage());
        return failure instanceof SdkException ? "AWS: " + message : message;
    }

    /**
     * A bug rather than a condition of the world: what went wrong first (the root cause) is a
     * runtime exception or error of no kind we name (our exceptions, AWS's, I/O). Checked causes
     * (SQL, I/O) are the world's.
     */
    static boolean unexpected(Throwable failure) {
        if (failure instanceof UsageError || failure instanceof CommandLine.ParameterException) {
            return false;
        }
        Throwable root = root(failure);
        if (root instanceof PgvaultException || root instanceof SdkException || root instanceof UncheckedIOException
                || root instanceof OutOfMemoryError || root instanceof UsageError) {
            return false;
        }
        return root instanceof RuntimeException || root instanceof Error;
    }

    private void report(CommandLine commandLine, String line, Throwable failure, boolean debug) {
        if (invocation != null) {
            invocation.terminal().error(line);
            if (debug) {
                failure.printStackTrace(invocation.terminal().err());
            }
        } else {
            PrintWriter err = commandLine.getErr();
            err.println("pgvault: " + line);
            if (debug) {
                failure.printStackTrace(err);
            }
            err.flush();
        }
    }

    private void document(Json.Reporting reporting, FailureClass kind, String line) {
        ObjectNode document = reporting.failure(Json.error(kind, line));
        if (invocation != null) {
            invocation.terminal().document(Json.write(document));
        }
    }

    private static boolean debug(ParseResult parseResult) {
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }

    private static Throwable root(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** Messages from servers and libraries may span lines; an operator's error is one. */
    static String oneLine(String message) {
        if (message == null || message.isBlank()) {
            return "(no message)";
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
