package dev.pgvault.template;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.backup.BackupOutcome;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.errors.StorageException;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.ObjectLock;
import dev.pgvault.repository.PendingObject;
import dev.pgvault.repository.S3Retries;
import dev.pgvault.repository.S3Store;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.MotoServer;
import dev.pgvault.testing.ProjectFiles;
import dev.pgvault.testing.RecordingMetrics;
import dev.pgvault.testing.TestDatabase;
import dev.pgvault.testing.TestSigning;
import java.sql.Connection;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The backup function's role, as template.yaml grants it, running the real backup code against
 * moto_server with IAM enforced: the S3 statements of BackupFunction's role are given to a moto
 * IAM user, and a backup service writes through that user's credentials. What the role may do is
 * enough for every path of a run (write, already complete, a second backup beside the first), and
 * what it may not (read or delete a backup object) is refused by the server, not just by a test's
 * reading of the policy. moto checks actions and resources (wildcards included), not conditions,
 * and not bucket policies: the bucket policy's denials are checked in {@link TemplateTest}.
 */
class BackupRoleOnMotoTest {
    @RegisterExtension
    static final MotoServer MOTO = MotoServer.withIam();

    private static final Instant NOON = Instant.parse("2026-11-24T12:00:00Z");
    private static String bucket;
    private static S3Client asBackupRole;
    private static S3Client asAdministrator;
    private static String backupRolePolicy;

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    private final RecordingMetrics metrics = new RecordingMetrics();

    @BeforeAll
    static void deployTheRole() {
        bucket = MOTO.newObjectLockBucket();
        SamTemplate template = SamTemplate.load(ProjectFiles.path("template.yaml"));
        backupRolePolicy = IamPolicies.s3PolicyJson(new IamPolicies(template).roleOf("BackupFunction"),
                IamPolicies.bucketVariables(bucket, "auth-db"));
        MotoServer.User backup = MOTO.createUser("backup-function", backupRolePolicy);
        MotoServer.User admin = MOTO.createUser("administrator",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
        MOTO.enforceIam();
        asBackupRole = S3Retries.configure(MOTO.clientBuilder(backup)).build();
        asAdministrator = S3Retries.configure(MOTO.clientBuilder(admin)).build();
    }

    @AfterAll
    static void disconnect() {
        asBackupRole.close();
        asAdministrator.close();
    }

    @BeforeEach
    void sampleData() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 200);
        }
    }

    private static S3Store backupRoleStore() {
        return new S3Store(asBackupRole, bucket, "", ObjectLock.days(ObjectLock.Mode.GOVERNANCE, 30));
    }

    private static S3Store administratorStore() {
        return new S3Store(asAdministrator, bucket, "");
    }

    private BackupService service(Instant now) {
        return new BackupService(backupRoleStore(), db::connect, metrics, Clock.fixed(now, ZoneOffset.UTC),
                DumpOptions.defaults(), TestSigning.key());
    }

    @Test
    void theTemplatesPolicyIsWhatMotoEnforces() {
        assertThat(backupRolePolicy).contains("\"s3:PutObject\"", "/*.manifest.json\"", "/*.lock\"")
                .doesNotContain("\"arn:aws:s3:::" + bucket + "/*\"");
    }

    @Test
    void everyPathOfARunWorksWithTheRolesPermissionsAlone() {
        BackupOutcome written = service(NOON).run(BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 6),
                DumpProgress.NONE);
        assertThat(written.status()).isEqualTo(BackupOutcome.Status.WRITTEN);
        String key = written.key();

        // A second delivery of the same day's event: reads the manifest and signature, stands down.
        BackupOutcome again = service(NOON.plusSeconds(60)).run(BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 6),
                DumpProgress.NONE);
        assertThat(again.status()).isEqualTo(BackupOutcome.Status.ALREADY_COMPLETE);

        // Another backup beside it: the catalog lists and reads the previous manifest to compare sizes.
        BackupOutcome manual = service(NOON.plusSeconds(3600)).run(
                BackupRequest.unencrypted(BackupKind.MANUAL, "auth-db", 6), DumpProgress.NONE);
        assertThat(manual.status()).isEqualTo(BackupOutcome.Status.WRITTEN);
        assertThat(manual.warnings()).isEmpty();

        // What the role wrote is whole (read as an administrator), and no lock was left behind.
        S3Store admin = administratorStore();
        assertThat(admin.read(key)).hasSize((int) written.manifest().storedBytes());
        assertThat(admin.stat(Sidecar.MANIFEST.keyFor(key))).isPresent();
        assertThat(admin.stat(Sidecar.MANIFEST_SIGNATURE.keyFor(key))).isPresent();
        assertThat(admin.stat(Sidecar.LOCK.keyFor(key))).isEmpty();
        assertThat(admin.stat(Sidecar.LOCK.keyFor(manual.key()))).isEmpty();
        // The role sees that the object exists (listing) without being able to HEAD it.
        assertThat(backupRoleStore().stat(key)).get().extracting(o -> o.size()).isEqualTo(written.manifest().storedBytes());
    }

    @Test
    void theRoleCannotReadOrDeleteABackupObject() {
        String key = service(NOON.plusSeconds(86_400)).run(BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 6),
                DumpProgress.NONE).key();
        S3Store store = backupRoleStore();
        assertThatThrownBy(() -> store.read(key)).isInstanceOf(StorageException.class).hasMessageContaining("AccessDenied");
        assertThatThrownBy(() -> store.delete(key)).isInstanceOf(StorageException.class).hasMessageContaining("AccessDenied");
        for (Sidecar kept : List.of(Sidecar.MANIFEST, Sidecar.MANIFEST_SIGNATURE)) {
            assertThatThrownBy(() -> store.delete(kept.keyFor(key))).as(kept.name())
                    .isInstanceOf(StorageException.class).hasMessageContaining("AccessDenied");
        }
        // Nor write anywhere but its own backups: another backup name, another folder.
        for (String elsewhere : List.of("daily/other-db-backup-2026-11-25.sql.gz.manifest.json", "config/kube.tar.gz.enc",
                "weekly/auth-db-backup-2026-11-25.sql.gz")) {
            assertThatThrownBy(() -> store.putIfAbsent(elsewhere, "x".getBytes(UTF_8))).as(elsewhere)
                    .isInstanceOf(StorageException.class).hasMessageContaining("AccessDenied");
        }
        assertThat(administratorStore().read(key)).isNotEmpty();
    }

    /**
     * An interrupted run left an object without a manifest. The role may not remove it: the run does
     * not write a backup beside it, and leaves it as it is for an operator. (How the run words this is
     * the backup service's; what must hold is that nothing is overwritten or half-written.)
     */
    @Test
    void anOrphanLeftByAnInterruptedRunIsLeftAloneAndNothingIsWrittenBesideIt() throws Exception {
        Instant day = NOON.plusSeconds(2 * 86_400);
        String key = "daily/auth-db-backup-2026-11-26.sql.gz";
        try (PendingObject orphan = administratorStore().create(key, -1)) {
            orphan.write("-- an interrupted run's upload\n".getBytes(UTF_8));
            orphan.commit();
        }
        assertThatThrownBy(() -> service(day).run(BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 6),
                DumpProgress.NONE)).hasMessageContaining(key);
        S3Store admin = administratorStore();
        assertThat(new String(admin.read(key), UTF_8)).isEqualTo("-- an interrupted run's upload\n");
        assertThat(admin.stat(Sidecar.MANIFEST.keyFor(key))).isEmpty();
        assertThat(admin.stat(Sidecar.MANIFEST_SIGNATURE.keyFor(key))).isEmpty();
        assertThat(admin.stat(Sidecar.LOCK.keyFor(key))).as("the lock was released").isEmpty();
        assertThat(metrics.events).noneMatch(e -> e.startsWith("succeeded"));
        assertThat(Map.of()).isEmpty();
    }
}
