package dev.pgvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.repository.ObjectLock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PGVAULT_OBJECT_LOCK_MODE and PGVAULT_OBJECT_LOCK_DAYS: none unless set; a mode needs its days. */
class BackupConfigObjectLockTest {
    private static BackupConfig config(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of(BackupConfig.BUCKET, "bucket",
                BackupConfig.DATABASE_SECRET, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db",
                BackupConfig.SIGNING_KEY, "arn:aws:kms:eu-west-1:123456789012:key/k"));
        env.putAll(extra);
        return BackupConfig.from(new Environment(env));
    }

    @Test
    void noObjectLockUnlessAsked() {
        assertThat(config(Map.of()).retention()).isEmpty();
        assertThat(config(Map.of(BackupConfig.OBJECT_LOCK_MODE, "NONE", BackupConfig.OBJECT_LOCK_DAYS, "30"))
                .retention()).isEmpty();
    }

    @Test
    void aModeAndItsDays() {
        assertThat(config(Map.of(BackupConfig.OBJECT_LOCK_MODE, "GOVERNANCE", BackupConfig.OBJECT_LOCK_DAYS, "30"))
                .retention()).contains(new ObjectLock(ObjectLock.Mode.GOVERNANCE, Duration.ofDays(30)));
        assertThat(config(Map.of(BackupConfig.OBJECT_LOCK_MODE, "compliance", BackupConfig.OBJECT_LOCK_DAYS, " 400 "))
                .retention()).contains(new ObjectLock(ObjectLock.Mode.COMPLIANCE, Duration.ofDays(400)));
    }

    @Test
    void badValuesAreRefusedNamingTheVariable() {
        assertThatThrownBy(() -> config(Map.of(BackupConfig.OBJECT_LOCK_MODE, "legal-hold")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(BackupConfig.OBJECT_LOCK_MODE)
                .hasMessageContaining("none, governance, compliance");
        assertThatThrownBy(() -> config(Map.of(BackupConfig.OBJECT_LOCK_MODE, "governance")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(BackupConfig.OBJECT_LOCK_DAYS + " is required");
        for (String days : new String[] {"0", "-1", "36501", "thirty"}) {
            assertThatThrownBy(() -> config(Map.of(BackupConfig.OBJECT_LOCK_MODE, "governance",
                    BackupConfig.OBJECT_LOCK_DAYS, days))).as(days)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(BackupConfig.OBJECT_LOCK_DAYS);
        }
    }
}
