package dev.pgvault.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Every manifest names its artifact type; a database backup's reads back whether or not it has one. */
class ManifestTypeTest {
    private static final String OLD = """
            {"formatVersion": 1, "tool": "pgvault 0.1.0", "key": "daily/auth-db-backup-2026-11-24.sql.gz",
             "sha256": "ab", "tables": []}""";

    @Test
    void databaseManifestsSayDatabaseAndOlderOnesStillRead() {
        Manifest old = ManifestCodec.decode(OLD.getBytes(StandardCharsets.UTF_8), "old");
        String written = new String(ManifestCodec.encode(old), StandardCharsets.UTF_8);
        assertThat(written).containsSubsequence("\"formatVersion\"", "\"tool\"", "\"type\" : \"database\"", "\"key\"");
        Manifest again = ManifestCodec.decode(written.getBytes(StandardCharsets.UTF_8), "new");
        assertThat(again).isEqualTo(old);
        assertThat(again.type()).isEqualTo("database");
    }

    @Test
    void uploadManifestsSayTheirType() {
        UploadManifest config = UploadManifestCodec.decode("""
                {"formatVersion": 1, "type": "config", "key": "config/shop-config-2026-11-24.yaml.gz",
                 "sha256": "ab", "objects": [], "leftOut": []}""".getBytes(StandardCharsets.UTF_8), "config");
        assertThat(config.type()).isEqualTo("config");
        assertThat(new String(UploadManifestCodec.encode(config), StandardCharsets.UTF_8)).contains("\"type\" : \"config\"");
    }
}
