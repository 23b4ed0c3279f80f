package dev.pgvault.backup;

import static org.assertj.core.api.Assertions.assertThat;
import dev.pgvault.testing.TestSigning;

import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.restore.RestoreOptions;
import dev.pgvault.restore.RestoreReport;
import dev.pgvault.restore.RestoreService;
import dev.pgvault.restore.ScriptApplier;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.sandbox.ThrowawayPostgres;
import dev.pgvault.testing.DataFingerprint;
import dev.pgvault.testing.Fixtures;
import dev.pgvault.verify.VerificationStatus;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server newer than any local pg_dump (Debian's is 15, which refuses newer servers): the
 * pure-Java engine backs it up, records its version, and restores it there verified.
 */
class NewerServerTest {
    private static ThrowawayPostgres server;

    @TempDir
    Path repo;

    @BeforeAll
    static void start() {
        server = ThrowawayPostgres.embedded("17.11.0");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void backsUpAndRestoresPostgres17() throws Exception {
        server.createDatabase("app");
        try (Connection c = server.connect("app")) {
            c.createStatement().execute(Fixtures.sql("application-schema.sql"));
            SampleDatabase.load(c, 100);
        }
        DirectoryStore store = new DirectoryStore(repo);
        BackupOutcome outcome = new BackupService(store, () -> server.connect("app"), BackupMetrics.NONE,
                Clock.systemUTC(), DumpOptions.defaults(), TestSigning.key())
                .run(BackupRequest.unencrypted(BackupKind.MANUAL, "auth-db", 6), DumpProgress.NONE);
        Manifest manifest = outcome.manifest();
        assertThat(manifest.database().serverVersionNum()).isBetween(170000, 179999);
        assertThat(manifest.database().serverVersion()).startsWith("17.");

        server.createDatabase("restored");
        RestoreReport report;
        try (Connection target = server.connect("restored")) {
            report = new RestoreService(store, Clock.systemUTC(), TestSigning.trust()).restore(outcome.key(), target, "restored",
                    RestoreOptions.defaults(), Decryptors.none(), ScriptApplier.Progress.NONE);
        }
        assertThat(report.verification().status()).isEqualTo(VerificationStatus.OK);
        try (Connection source = server.connect("app"); Connection copy = server.connect("restored")) {
            assertThat(DataFingerprint.of(copy)).isEqualTo(DataFingerprint.of(source));
        }
    }
}
