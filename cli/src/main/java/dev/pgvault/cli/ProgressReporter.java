package dev.pgvault.cli;

import dev.pgvault.dump.DumpProgress;
import dev.pgvault.restore.ScriptApplier;

/** Turns dump and restore progress into one redrawn terminal line: table n/N, rows, bytes. */
final class ProgressReporter implements DumpProgress, ScriptApplier.Progress {
    private final Terminal terminal;
    private String table = "";
    private int index;
    private int total;
    private long tables;
    private long rowsRestored;

    ProgressReporter(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public void tableStarted(String table, int index, int total) {
        this.table = table;
        this.index = index;
        this.total = total;
    }

    @Override
    public void tableRows(String table, long rows, long bytes) {
        terminal.progress(String.format("dumping table %d/%d %s: %,d rows, %s", index, total, table, rows,
                Terminal.bytes(bytes)));
    }

    @Override
    public void note(String message) {
        terminal.say(message);
    }

    @Override
    public void tableLoaded(String table, long rows) {
        tables++;
        rowsRestored += rows;
        terminal.progress(String.format("restored %d tables, %,d rows (last: %s)", tables, rowsRestored, table));
    }
}
