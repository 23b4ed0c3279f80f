package dev.pgvault.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.ConfigurationException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ArtifactKeyTest {
    private static final Instant NOW = Instant.parse("2026-11-24T23:59:59Z");

    @Test
    void keysRoundTripAndAreTypedByTheCatalog() {
        for (ArtifactKey.Form form : ArtifactKey.Form.values()) {
            for (String mode : new String[] {"none", "openssl", "pgp"}) {
                ArtifactKey key = ArtifactKey.create(form, "shop-config", NOW, mode);
                assertThat(ArtifactKey.parse(key.key())).contains(key);
                assertThat(BackupArtifacts.typeOf(key.key())).contains(form.type());
                assertThat(BackupArtifacts.isBackupObject(key.manifestKey())).isFalse();
                assertThat(BackupArtifacts.retainedUnderObjectLock(key.signatureKey())).isTrue();
                assertThat(BackupArtifacts.retainedUnderObjectLock(key.lockKey())).isFalse();
            }
        }
        assertThat(ArtifactKey.create(ArtifactKey.Form.CODE_TARBALL, "auth-service", NOW, "none").key())
                .isEqualTo("code/auth-service-2026-11-24.tar.gz");
        assertThat(ArtifactKey.create(ArtifactKey.Form.NAMESPACE, "shopping-app", NOW, "openssl").key())
                .isEqualTo("config/shopping-app-config-2026-11-24.yaml.gz.enc");
        assertThat(BackupArtifacts.typeOf("daily/auth-db-backup-2026-11-24.sql.gz")).contains(ArtifactType.DATABASE);
    }

    @Test
    void otherNamesAreNotArtifacts() {
        assertThat(ArtifactKey.parse("config/shop-config-2026-11-24.yaml")).isEmpty();
        assertThat(ArtifactKey.parse("config/shop-config-2026-13-40.yaml.gz")).isEmpty();
        assertThat(ArtifactKey.parse("code/auth-service-2026-11-24.zip")).isEmpty();
        assertThat(ArtifactKey.parse("code/Auth-2026-11-24.tar.gz")).isEmpty();
        assertThat(ArtifactKey.parse("config/shop-config-2026-11-24.yaml.gz.manifest.json")).isEmpty();
        assertThatThrownBy(() -> ArtifactKey.create(ArtifactKey.Form.NAMESPACE, "Shop_App", NOW, "none"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("Shop_App");
    }
}
