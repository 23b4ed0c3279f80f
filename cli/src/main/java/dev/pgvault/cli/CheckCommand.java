package dev.pgvault.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.dump.DumpCheck;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.run.Cancellation;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pgvault check --database-url URL}: whether tonight's backup of this database would
 * succeed and restore faithfully, without writing anything. Meant for an application's migration
 * CI: the migration that adds an object pgvault cannot reproduce fails there, not at 02:00.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Tell, without writing anything, whether a database can be backed up faithfully: what a backup"
                + " would refuse (it would fail) and what it would warn about (it restores, with a condition).",
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {
            "0:nothing to report: a backup would succeed and restore as it is",
            "1:a backup would fail (objects it cannot reproduce), or warnings (unless --allow-warnings),"
                    + " or the database could not be read",
            ExitCodes.USAGE_LINE,
            ExitCodes.SIGNALS_130,
            ExitCodes.SIGNALS_143})
public final class CheckCommand implements Callable<Integer>, Json.Reporting, Failures.Interruptible {
    private final Invocation invocation;
    private final Terminal terminal;

    @Mixin
    DatabaseOptions database;

    @Option(names = "--keep-owners-and-privileges",
            description = "Check as for a backup taken with --keep-owners-and-privileges (owners, grants, default"
                    + " privileges and their roles are then part of what must restore).")
    boolean keepOwnersAndPrivileges;

    @Option(names = "--allow-warnings",
            description = "Exit 0 when a backup would succeed, even with warnings (they are still printed).")
    boolean allowWarnings;

    @Option(names = "--json", description = "Print the report as one JSON document on stdout (messages go to stderr).")
    boolean json;

    public CheckCommand(Invocation invocation) {
        this.invocation = invocation;
        this.terminal = invocation.terminal();
    }

    @Override
    public Integer call() {
        if (json) {
            terminal.jsonMode();
        }
        DatabaseTarget target = database.target(invocation);
        Cancellation cancellation = invocation.signals().begin(new Cancellation());
        DumpCheck.Report report;
        long started = System.nanoTime();
        Connection connection = Connections.open(target, cancellation, terminal);
        try {
            report = DumpCheck.inspect(connection, new DumpOptions(DumpOptions.defaults().lockTimeout(),
                    keepOwnersAndPrivileges));
        } finally {
            closeQuietly(connection); // it only read, in a transaction it rolled back
            invocation.signals().end();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        boolean passes = report.canBackUp() && (allowWarnings || report.warnings().isEmpty());
        if (json) {
            terminal.document(Json.write(document(report, passes)));
        } else {
            print(report, target, took);
        }
        return passes ? ExitCodes.OK : ExitCodes.FAILED;
    }

    private void print(DumpCheck.Report report, DatabaseTarget target, Duration took) {
        var out = terminal.out();
        out.println("checked " + target + " (PostgreSQL " + report.serverVersion() + ") in " + Terminal.seconds(took));
        list(out, "refused (a backup would fail naming these; drop or change them, or report what pgvault lacks)",
                report.refused());
        list(out, "warnings (a backup holds these; restoring them needs care)", report.warnings());
        if (!report.canBackUp()) {
            out.println("result: a backup of " + report.database() + " would FAIL ("
                    + Terminal.count(report.refused().size(), "refusal") + ")");
        } else if (!report.warnings().isEmpty()) {
            out.println("result: a backup of " + report.database() + " would succeed, with "
                    + Terminal.count(report.warnings().size(), "warning"));
        } else {
            out.println("result: a backup of " + report.database() + " would succeed and restore as it is");
        }
    }

    private static void list(java.io.PrintStream out, String heading, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        out.println(heading + ":");
        items.forEach(item -> out.println("  - " + item));
    }

    private static ObjectNode document(DumpCheck.Report report, boolean passes) {
        ObjectNode doc = Json.object();
        doc.put("database", report.database());
        doc.put("serverVersion", report.serverVersion());
        doc.put("canBackUp", report.canBackUp());
        doc.put("passes", passes);
        report.refused().forEach(doc.putArray("refused")::add);
        report.warnings().forEach(doc.putArray("warnings")::add);
        return doc;
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing was written; the server ends the session either way
        }
    }

    @Override
    public ObjectNode failure(ObjectNode error) {
        ObjectNode doc = Json.object();
        doc.put("passes", false);
        doc.set("error", error);
        return doc;
    }

    @Override
    public String afterInterruption() {
        return "nothing was written";
    }

    @Override
    public boolean json() {
        return json;
    }
}
