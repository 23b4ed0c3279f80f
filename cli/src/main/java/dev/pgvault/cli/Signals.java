package dev.pgvault.cli;

import dev.pgvault.run.Cancellation;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * SIGINT (Ctrl-C) and SIGTERM (a pod being stopped) for the whole CLI process.
 *
 * <p>The JVM's own reaction to both is to run the shutdown hooks and exit at once, which would
 * leave a backup's lock and upload behind, and a shutdown hook cannot tell which signal came.
 * So {@link #install} replaces the JVM's handlers through {@code sun.misc.Signal} (module
 * {@code jdk.unsupported}, the supported way to do this in a JDK; it hands the handler the
 * signal's name). Then:
 *
 * <ul>
 *   <li>while a command runs cancellable work ({@link #begin}), the first signal cancels it:
 *       {@link Cancellation#cancel} closes what was registered (the connection), and the core
 *       aborts the upload and releases the lock on its failure path. The command then ends with
 *       a failure that {@link ExitCodes} turns into 130 or 143. If undoing takes longer than
 *       {@link #GRACE}, the process exits anyway with that code;</li>
 *   <li>with nothing cancellable running (listing, parsing, PITR calls) the process exits at
 *       once with 130 or 143, as it would have without us;</li>
 *   <li>a second signal exits at once, without waiting.</li>
 * </ul>
 *
 * <p>In-process runs (tests, embedding) get {@link #none()}: no handlers are installed, and
 * tests can {@link #deliver} a signal by name.
 */
public final class Signals {
    /** How long a cancelled run may take to undo its work before the process exits anyway. */
    public static final Duration GRACE = Duration.ofSeconds(30);

    private final IntConsumer exit;
    private final PrintStream err;
    private final Duration grace;
    private Cancellation running;
    private String received;

    Signals(IntConsumer exit, PrintStream err, Duration grace) {
        this.exit = exit;
        this.err = err;
        this.grace = grace;
    }

    /** Handles SIGINT and SIGTERM for this process (see the class comment). */
    static Signals install(PrintStream err) {
        Signals signals = new Signals(System::exit, err, GRACE);
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> signals.deliver("SIG" + signal.getName()));
            } catch (IllegalArgumentException e) {
                // The JVM reserved it (-Xrs, a debugger): its default handling stays, exit 130/143 without undoing.
            }
        }
        return signals;
    }

    /** No handlers; {@link #deliver} simulates a signal (tests). Exiting is not possible here. */
    public static Signals none() {
        return new Signals(code -> {
            throw new IllegalStateException("a signal with nothing cancellable running would exit with " + code);
        }, System.err, GRACE);
    }

    /** Starts cancellable work: a signal from now on cancels {@code cancellation} instead of exiting. */
    public synchronized Cancellation begin(Cancellation cancellation) {
        running = cancellation;
        if (received != null) {
            cancellation.cancel(Cancellation.Reason.SIGNAL, "interrupted by " + received);
        }
        return cancellation;
    }

    /** The cancellable work has ended; a signal from now on exits at once. */
    public synchronized void end() {
        running = null;
    }

    /** What the handlers call: "SIGINT" or "SIGTERM". */
    public void deliver(String name) {
        Cancellation toCancel;
        boolean again;
        synchronized (this) {
            again = received != null;
            if (!again) {
                received = name;
            }
            toCancel = running;
        }
        if (again) {
            err.println("pgvault: " + name + " again: exiting without waiting for the run to undo its work");
            exit.accept(codeOf(name));
            return;
        }
        if (toCancel == null) {
            err.println("pgvault: interrupted by " + name);
            exit.accept(codeOf(name));
            return;
        }
        toCancel.cancel(Cancellation.Reason.SIGNAL, "interrupted by " + name);
        Thread deadline = new Thread(() -> {
            try {
                Thread.sleep(grace);
            } catch (InterruptedException e) {
                return;
            }
            err.println("pgvault: the run did not finish undoing its work within " + grace.toSeconds() + " s of "
                    + name + "; exiting anyway (a lock left behind expires with its lease)");
            exit.accept(codeOf(name));
        }, "pgvault-signal-deadline");
        deadline.setDaemon(true);
        deadline.start();
    }

    /** The signal that came, if one did: "SIGINT" or "SIGTERM". */
    public synchronized Optional<String> received() {
        return Optional.ofNullable(received);
    }

    /** 130 after SIGINT, 143 after SIGTERM (128 + the signal's number, as shells report it). */
    public synchronized int exitCode() {
        return codeOf(received);
    }

    static int codeOf(String name) {
        return "SIGINT".equals(name) ? ExitCodes.SIGINT : ExitCodes.SIGTERM;
    }
}
