package dev.pgvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.ConfigurationException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PGVAULT_KEEP_OWNERS_AND_PRIVILEGES: off unless set, to true or false only. */
class BackupConfigOwnersTest {
    private static BackupConfig config(String keep) {
        Map<String, String> env = new HashMap<>(Map.of(BackupConfig.BUCKET, "bucket",
                BackupConfig.DATABASE_SECRET, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db",
                BackupConfig.SIGNING_KEY, "arn:aws:kms:eu-west-1:123456789012:key/k"));
        if (keep != null) {
            env.put(BackupConfig.KEEP_OWNERS_AND_PRIVILEGES, keep);
        }
        return BackupConfig.from(new Environment(env));
    }

    @Test
    void ownersAndPrivilegesAreLeftOutUnlessAsked() {
        assertThat(config(null).dumpOptions().keepOwnersAndPrivileges()).isFalse();
        assertThat(config("false").dumpOptions().keepOwnersAndPrivileges()).isFalse();
        assertThat(config("TRUE").dumpOptions().keepOwnersAndPrivileges()).isTrue();
        assertThat(config("true").dumpOptions().lockTimeout()).isEqualTo(config(null).lockTimeout());
    }

    @Test
    void anythingElseIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> config("yes"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(BackupConfig.KEEP_OWNERS_AND_PRIVILEGES)
                .hasMessageContaining("'yes'");
    }
}
