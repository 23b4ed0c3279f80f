package dev.pgvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.ConfigurationException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PGVAULT_KEEP_OWNERS_AND_PRIVILEGES and PGVAULT_GLOBALS: off unless set, to true or false only. */
class BackupConfigOwnersTest {
    private static BackupConfig config(String keep) {
        return config(BackupConfig.KEEP_OWNERS_AND_PRIVILEGES, keep);
    }

    private static BackupConfig config(String variable, String value) {
        Map<String, String> env = new HashMap<>(Map.of(BackupConfig.BUCKET, "bucket",
                BackupConfig.DATABASE_SECRET, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db",
                BackupConfig.SIGNING_KEY, "arn:aws:kms:eu-west-1:123456789012:key/k"));
        if (value != null) {
            env.put(variable, value);
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

    @Test
    void theRolesScriptIsWrittenOnlyWhenAsked() {
        assertThat(config(BackupConfig.GLOBALS, null).dumpOptions().globals()).isFalse();
        assertThat(config(BackupConfig.GLOBALS, "true").dumpOptions().globals()).isTrue();
        assertThat(config(BackupConfig.GLOBALS, "true").dumpOptions().keepOwnersAndPrivileges()).isFalse();
        assertThatThrownBy(() -> config(BackupConfig.GLOBALS, "1"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(BackupConfig.GLOBALS);
    }
}
