package dev.pgvault.template;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.StorageException;
import dev.pgvault.repository.ArtifactKey;
import dev.pgvault.repository.BackupArtifacts.Sidecar;
import dev.pgvault.repository.BackupKey;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.ObjectLock;
import dev.pgvault.repository.S3Retries;
import dev.pgvault.repository.S3Store;
import dev.pgvault.retention.Applied;
import dev.pgvault.retention.ArtifactPolicies;
import dev.pgvault.retention.ArtifactRetention;
import dev.pgvault.retention.RetentionPolicy;
import dev.pgvault.retention.TieringReport;
import dev.pgvault.retention.TieringService;
import dev.pgvault.run.Cancellation;
import dev.pgvault.testing.MotoServer;
import dev.pgvault.testing.ProjectFiles;
import dev.pgvault.verify.VerificationRecord;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The tiering function's role, as template.yaml grants it, running the real tiering code against
 * moto_server with IAM enforced: enough for a whole run (list, versions, HEAD, tags, records, lock
 * extension, deletes of every version), and nothing of another name or of manual backups.
 */
class TieringRoleOnMotoTest {
    @RegisterExtension
    static final MotoServer MOTO = MotoServer.withIam();
    private static final RetentionPolicy POLICY = new RetentionPolicy(30, 13, 12, 7, 7, 1.0);
    private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);
    private static String bucket;
    private static S3Client asTieringRole;
    private static S3Client asAdministrator;

    @BeforeAll
    static void deployTheRole() {
        bucket = MOTO.newObjectLockBucket();
        SamTemplate template = SamTemplate.load(ProjectFiles.path("template.yaml"));
        // moto authorizes PutObjectRetention (PUT ?retention) as s3:PutObject, which the role does not have (AWS
        // checks s3:PutObjectRetention): the moto user gets s3:PutObject exactly where the role may extend
        // retention. That the role has no s3:PutObject is checked on the template in TieringTemplateTest.
        String policy = IamPolicies.s3PolicyJson(new IamPolicies(template).roleOf("TieringFunction"),
                IamPolicies.bucketVariables(bucket, "auth-db"))
                .replace("\"s3:PutObjectRetention\"", "\"s3:PutObjectRetention\",\"s3:PutObject\"");
        assertThat(policy).contains("\"s3:PutObject\"");
        MotoServer.User tiering = MOTO.createUser("tiering-function", policy);
        MotoServer.User admin = MOTO.createUser("administrator",
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}");
        MOTO.enforceIam();
        asTieringRole = S3Retries.configure(MOTO.clientBuilder(tiering)).build();
        asAdministrator = S3Retries.configure(MOTO.clientBuilder(admin)).build();
    }

    @AfterAll
    static void disconnect() {
        asTieringRole.close();
        asAdministrator.close();
    }

    private static String backup(S3Store store, BackupKind kind, String name, LocalDate day) {
        String key = new BackupKey(kind, name, day.atTime(1, 2, 3), ".sql.gz").key();
        store.put(key, ("dump of " + day).getBytes(UTF_8));
        store.put(Sidecar.MANIFEST_SIGNATURE.keyFor(key), new byte[] {1});
        store.put(Sidecar.MANIFEST.keyFor(key), "{}".getBytes(UTF_8));
        return key;
    }

    @Test
    void aWholeRunWorksWithTheRolesPermissionsAloneAndTouchesNothingElse() {
        // Written by the backup function (here: an administrator) with a one-day governance retention.
        S3Store admin = new S3Store(asAdministrator, bucket, "", ObjectLock.days(ObjectLock.Mode.GOVERNANCE, 1));
        for (int age = 44; age >= 0; age--) {
            backup(admin, BackupKind.DAILY, "auth-db", TODAY.minusDays(age));
        }
        String verified = new BackupKey(BackupKind.DAILY, "auth-db", TODAY.minusDays(40).atStartOfDay(), ".sql.gz").key();
        new VerificationRecord(verified, "OK", Instant.now(), 1, "scratch", List.of()).save(admin);
        String stranger = backup(admin, BackupKind.DAILY, "billing", TODAY.minusDays(400));
        String manual = backup(admin, BackupKind.MANUAL, "auth-db", TODAY.minusDays(400));

        S3Store role = new S3Store(asTieringRole, bucket, "");
        TieringReport report = new TieringService(role).run("auth-db", POLICY,
                TODAY.atTime(6, 0).toInstant(ZoneOffset.UTC), false);

        assertThat(report.plan().deletions()).isNotEmpty();
        // Retained for a day more: every planned delete is refused by the lock, reported, never sent.
        assertThat(report.count(Applied.What.LOCKED)).isEqualTo(report.plan().deletions().size());
        assertThat(report.tagged()).isEqualTo(report.plan().kept().size() - 1); // manual: untagged
        assertThat(report.extended()).isPositive();
        assertThat(new TieringService(role).run("auth-db", POLICY, TODAY.atTime(6, 0).toInstant(ZoneOffset.UTC), false)
                .changedAnything()).isFalse();

        for (String untouchable : List.of(stranger, manual)) {
            assertThatThrownBy(() -> role.delete(untouchable)).as(untouchable)
                    .isInstanceOf(StorageException.class).hasMessageContaining("AccessDenied");
            assertThatThrownBy(() -> role.objectStates().orElseThrow().putTags(untouchable, java.util.Map.of("x", "y")))
                    .as(untouchable).isInstanceOf(StorageException.class).hasMessageContaining("AccessDenied");
        }
        assertThatThrownBy(() -> role.put("config/kube.tar.gz.enc", new byte[] {1}))
                .isInstanceOf(StorageException.class).hasMessageContaining("AccessDenied");
    }

    @Test
    void configAndCodeRetentionWorksWithTheRolesPermissionsAlone() {
        // Written without retention (the role's bucket, whose policy the moto user has), so deletes go through.
        S3Store admin = new S3Store(asAdministrator, bucket, "");
        List<String> config = new java.util.ArrayList<>();
        for (int age = 39; age >= 0; age--) {
            String key = new ArtifactKey(ArtifactKey.Form.NAMESPACE, "shop", TODAY.minusDays(age), ".enc").key();
            admin.put(key, new byte[] {1});
            admin.put(Sidecar.MANIFEST_SIGNATURE.keyFor(key), new byte[] {1});
            admin.put(Sidecar.MANIFEST.keyFor(key), "{}".getBytes(UTF_8));
            config.add(key);
        }
        String stranger = backup(admin, BackupKind.DAILY, "ledger", TODAY.minusDays(400));

        List<TieringReport> reports = new ArtifactRetention(new S3Store(asTieringRole, bucket, ""))
                .run(new ArtifactPolicies(30, 13, 7, 1.0), TODAY.atTime(6, 0).toInstant(ZoneOffset.UTC), false,
                        Cancellation.none());

        assertThat(reports).singleElement().satisfies(r -> assertThat(r.count(Applied.What.DELETED)).isEqualTo(10));
        assertThat(admin.list("config/")).hasSize(30 * 3);
        assertThat(admin.stat(config.get(0))).isEmpty();
        assertThat(admin.stat(Sidecar.MANIFEST.keyFor(config.get(0)))).isEmpty();
        assertThat(admin.stat(stranger)).isPresent();
    }
}
