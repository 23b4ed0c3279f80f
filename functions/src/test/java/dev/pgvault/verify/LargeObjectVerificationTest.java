package dev.pgvault.verify;

import static org.assertj.core.api.Assertions.assertThat;
import dev.pgvault.testing.TestSigning;

import dev.pgvault.archive.Manifest;
import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.restore.RestoreOptions;
import dev.pgvault.restore.RestoreReport;
import dev.pgvault.restore.RestoreService;
import dev.pgvault.restore.ScriptApplier;
import dev.pgvault.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Large objects are part of what the manifest records and a verification compares. */
class LargeObjectVerificationTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    @Test
    void largeObjectsAreCountedHashedAndCompared() throws Exception {
        db.execute("CREATE TABLE documents (id int PRIMARY KEY, body oid);"
                + " INSERT INTO documents SELECT g, lo_from_bytea(0, decode(repeat(md5(g::text), 20000), 'hex'))"
                + " FROM generate_series(1, 3) g;"
                + " SELECT lo_from_bytea(0, '');");
        DirectoryStore store = new DirectoryStore(repo);
        BackupOutcome outcome = new BackupService(store, db::connect, BackupMetrics.NONE, Clock.systemUTC(),
                DumpOptions.defaults(), TestSigning.key()).run(BackupRequest.unencrypted(BackupKind.MANUAL, "auth-db", 6), DumpProgress.NONE);
        Manifest manifest = outcome.manifest();
        assertThat(manifest.largeObjects().count()).isEqualTo(4);
        assertThat(manifest.largeObjects().contentHash()).hasSize(64);

        String target = db.newDatabase();
        RestoreReport report;
        try (Connection c = db.server().connect(target)) {
            report = new RestoreService(store, Clock.systemUTC(), TestSigning.trust()).restore(outcome.key(), c, target,
                    RestoreOptions.defaults(), Decryptors.none(), ScriptApplier.Progress.NONE);
        }
        assertThat(report.verification().status()).isEqualTo(VerificationStatus.OK);

        try (Connection c = db.server().connect(target)) {
            c.createStatement().execute("SELECT lo_put((SELECT body FROM documents WHERE id = 2), 5, '\\xff')");
            assertThat(ContentCheck.differences(c, manifest)).containsExactly("large objects differ in content");
            c.createStatement().execute("SELECT lo_unlink((SELECT body FROM public.documents WHERE id = 3))");
            assertThat(ContentCheck.differences(c, manifest)).containsExactly("3 large objects, the backup 4");
        }
    }

    @Test
    void aDatabaseWithoutLargeObjectsRecordsNone() throws Exception {
        db.execute("CREATE TABLE t (id int)");
        BackupOutcome outcome = new BackupService(new DirectoryStore(repo), db::connect, BackupMetrics.NONE,
                Clock.systemUTC(), DumpOptions.defaults(), TestSigning.key()).run(BackupRequest.unencrypted(BackupKind.MANUAL, "auth-db",
                6), DumpProgress.NONE);
        assertThat(outcome.manifest().largeObjects()).isNull();
    }
}
