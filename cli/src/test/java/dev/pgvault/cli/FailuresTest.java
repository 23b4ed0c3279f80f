package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.cli.pitr.PitrCommand;
import dev.pgvault.errors.BackupFailedException;
import dev.pgvault.errors.DatabaseUnavailableException;
import dev.pgvault.errors.FailureClass;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.RunCancelledException;
import dev.pgvault.errors.StorageException;
import dev.pgvault.errors.TargetNotEmptyException;
import dev.pgvault.run.Cancellation;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;

/** The one place failures become lines and exit codes. */
class FailuresTest {
    private final Object backup = new Object();

    @Test
    void aBugIsAnInternalErrorInOneLineWithExitOne() {
        NullPointerException bug = new NullPointerException("Cannot invoke \"Manifest.tables()\" because \"m\" is null");
        BackupFailedException wrapped = new BackupFailedException("backup k to r failed: " + bug.getMessage(), bug);
        for (Throwable failure : new Throwable[] {bug, wrapped}) {
            assertThat(Failures.describe(failure, backup, Signals.none())).isEqualTo("internal error:"
                    + " java.lang.NullPointerException: Cannot invoke \"Manifest.tables()\" because \"m\" is null"
                    + " (run with --debug for the stack trace)");
            assertThat(ExitCodes.forFailure(failure, backup, Signals.none())).isEqualTo(ExitCodes.FAILED);
        }
    }

    @Test
    void theWorldsFailuresAreTheirOwnMessage() {
        DatabaseUnavailableException down = new DatabaseUnavailableException("could not connect to u@h:5432/d: refused",
                new SQLException("refused", "08001"));
        assertThat(Failures.describe(down, backup, Signals.none())).isEqualTo("could not connect to u@h:5432/d: refused");
        assertThat(Failures.unexpected(down)).isFalse();
        assertThat(Failures.unexpected(new StorageException("multi\n  line\nmessage", true, null))).isFalse();
        assertThat(Failures.describe(new StorageException("multi\n  line\nmessage", true, null), backup, null))
                .isEqualTo("multi line message");
    }

    @Test
    void exitCodesByKind() {
        Signals none = Signals.none();
        assertThat(ExitCodes.forFailure(new UsageError("x"), backup, none)).isEqualTo(ExitCodes.USAGE);
        assertThat(ExitCodes.forFailure(new InvalidRequestException("x"), backup, none)).isEqualTo(ExitCodes.USAGE);
        assertThat(ExitCodes.forFailure(new TargetNotEmptyException("x"), backup, none)).isEqualTo(ExitCodes.USAGE);
        assertThat(ExitCodes.forFailure(new StorageException("x", false, null), backup, none)).isEqualTo(ExitCodes.FAILED);
        assertThat(ExitCodes.forFailure(SdkClientException.create("no credentials"), backup, none))
                .isEqualTo(ExitCodes.FAILED);
        assertThat(ExitCodes.classify(new TargetNotEmptyException("x"), none)).isEqualTo(FailureClass.INVALID_REQUEST);
    }

    @Test
    void thePitrCommandsKeepTheirCodes() {
        Object pitr = new dev.pgvault.cli.pitr.RestorePitrCommand();
        assertThat(ExitCodes.forFailure(new InvalidRequestException("x"), pitr, null)).isEqualTo(ExitCodes.USAGE);
        assertThat(ExitCodes.forFailure(SdkClientException.create("x"), pitr, null)).isEqualTo(ExitCodes.AWS_ERROR);
        assertThat(ExitCodes.forFailure(new StorageException("x", true, null), pitr, null)).isEqualTo(ExitCodes.AWS_ERROR);
        assertThat(new PitrCommand()).isNotInstanceOf(ExitCodes.AwsCommand.class); // it only parses
    }

    @Test
    void afterASignalTheSignalDecides() {
        Signals signals = Signals.none();
        Cancellation cancellation = signals.begin(new Cancellation());
        signals.deliver("SIGTERM");
        assertThat(cancellation.cancelled()).isTrue();
        RunCancelledException stopped = cancellation.exception();
        Object restore = (Failures.Interruptible) () -> "the restore was rolled back";
        assertThat(ExitCodes.forFailure(stopped, restore, signals)).isEqualTo(ExitCodes.SIGTERM);
        assertThat(ExitCodes.forFailure(new StorageException("x", false, null), restore, signals))
                .isEqualTo(ExitCodes.SIGTERM);
        assertThat(ExitCodes.classify(new StorageException("x", false, null), signals))
                .isEqualTo(FailureClass.INTERRUPTED);
        assertThat(Failures.describe(stopped, restore, signals))
                .isEqualTo("interrupted by SIGTERM: the restore was rolled back");

        Signals interrupt = Signals.none();
        interrupt.begin(new Cancellation());
        interrupt.deliver("SIGINT");
        assertThat(interrupt.exitCode()).isEqualTo(ExitCodes.SIGINT);
    }

    @Test
    void everyCommandsHelpHasItsExitCodes() {
        CliRun top = CliRun.of("--help");
        assertThat(top.out()).contains("Exit codes:").contains("75").contains("130").contains("143").contains("  5 ");
        assertThat(CliRun.of("backup", "--help").out()).contains("Exit codes:").contains("75")
                .contains("holds the backup's lock").contains("143");
        assertThat(CliRun.of("restore", "--help").out()).contains("Exit codes:").contains("rolled back").contains("130");
        assertThat(CliRun.of("list", "--help").out()).contains("Exit codes:").contains("143");
        assertThat(CliRun.of("restore", "pitr", "--help").out()).contains("Exit codes:").contains("timed out")
                .contains("goes on in AWS");
        assertThat(CliRun.of("pitr", "status", "--help").out()).contains("Exit codes:").contains("5 ");
    }
}
