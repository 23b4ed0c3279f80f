package dev.pgvault.cli;

import java.io.PrintStream;

/**
 * Where a command writes: results to stdout, progress and errors to stderr. Progress lines
 * redraw in place only when stderr is a terminal; in a pipe or a log there is no progress
 * noise, just the summary. With {@code --json} ({@link #jsonMode()}) stdout carries only the
 * one JSON document and the human lines move to stderr.
 */
public final class Terminal {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;
    private long lastProgress;
    private boolean progressShown;
    private boolean json;

    public Terminal(PrintStream out, PrintStream err) {
        this(out, err, System.console() != null && out == System.out);
    }

    public Terminal(PrintStream out, PrintStream err, boolean interactive) {
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    /** From now on stdout is for the one JSON document; {@link #say} writes to stderr. */
    public void jsonMode() {
        json = true;
    }

    public boolean json() {
        return json;
    }

    /** Where human-readable results go: stdout, or stderr in JSON mode. */
    public PrintStream human() {
        return json ? err : out;
    }

    /** Prints the command's one JSON document on stdout. */
    public void document(String json) {
        endProgress();
        out.println(json);
        out.flush();
    }

    /** Redraws the progress line, at most ten times a second. */
    public void progress(String line) {
        if (!interactive) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastProgress < 100_000_000L) {
            return;
        }
        lastProgress = now;
        err.print("\r\033[2K" + line);
        err.flush();
        progressShown = true;
    }

    /** Clears the progress line before ordinary output. */
    public void endProgress() {
        if (progressShown) {
            err.print("\r\033[2K");
            err.flush();
            progressShown = false;
        }
    }

    public void say(String line) {
        endProgress();
        human().println(line);
    }

    public void error(String line) {
        endProgress();
        err.println("pgvault: " + line);
    }

    /** "1 table", "2 tables". */
    public static String count(long n, String noun) {
        return String.format("%,d %s%s", n, noun, n == 1 ? "" : "s");
    }

    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    public static String seconds(java.time.Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
