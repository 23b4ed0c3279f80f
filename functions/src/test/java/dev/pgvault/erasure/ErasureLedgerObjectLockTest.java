package dev.pgvault.erasure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.repository.ObjectLock;
import dev.pgvault.repository.S3Store;
import dev.pgvault.testing.MotoServer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectLockMode;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Ledger entries in a bucket with S3 Object Lock, which moto enforces: retained like backups, not deletable. */
class ErasureLedgerObjectLockTest {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static S3Client s3;

    @BeforeAll
    static void connect() {
        s3 = MOTO.client();
    }

    @AfterAll
    static void disconnect() {
        s3.close();
    }

    @Test
    void anEntryIsLockedAndSurvivesADeleteWhileTheStatementsStayReplaceable() {
        String bucket = MOTO.newObjectLockBucket();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        S3Store store = new S3Store(s3, bucket, "prod", ObjectLock.days(ObjectLock.Mode.GOVERNANCE, 400));
        ErasureLedger ledger = new ErasureLedger(store, Clock.fixed(now, ZoneOffset.UTC));
        ledger.configure("DELETE FROM users WHERE email = :subject;");
        ledger.configure("DELETE FROM users WHERE lower(email) = lower(:subject);");

        ErasureLedger.Listed entry = ledger.append("erin.erased@example.org", "dpo", "#41", Encryptors.none());

        var head = s3.headObject(b -> b.bucket(bucket).key("prod/" + entry.key()));
        assertThat(head.objectLockMode()).isEqualTo(ObjectLockMode.GOVERNANCE);
        assertThat(head.objectLockRetainUntilDate()).isAfter(now.plus(399, ChronoUnit.DAYS));
        String version = s3.listObjectVersions(b -> b.bucket(bucket).prefix("prod/" + entry.key())).versions().get(0)
                .versionId();
        assertThatThrownBy(() -> s3.deleteObject(b -> b.bucket(bucket).key("prod/" + entry.key()).versionId(version)))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(403));
        assertThat(ledger.entries(Decryptors.none())).extracting(ErasureEntry::id).containsExactly(entry.id());
        assertThat(s3.headObject(b -> b.bucket(bucket).key("prod/gdpr/erasure-statements.sql")).objectLockMode())
                .as("the statements are configuration, replaceable").isNull();
        assertThat(ledger.statements().orElseThrow().statements().get(0).text()).contains("lower(email)");
    }
}
