package dev.pgvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.Compression;
import dev.pgvault.errors.ConfigurationException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PGVAULT_COMPRESSION (gzip unless set) and PGVAULT_COMPRESSION_LEVEL (each algorithm's default and range). */
class BackupConfigCompressionTest {
    private static BackupConfig config(String compression, String level) {
        Map<String, String> env = new HashMap<>(Map.of(BackupConfig.BUCKET, "bucket",
                BackupConfig.DATABASE_SECRET, "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db",
                BackupConfig.SIGNING_KEY, "arn:aws:kms:eu-west-1:123456789012:key/k"));
        if (compression != null) {
            env.put(BackupConfig.COMPRESSION, compression);
        }
        if (level != null) {
            env.put(BackupConfig.COMPRESSION_LEVEL, level);
        }
        return BackupConfig.from(new Environment(env));
    }

    @Test
    void gzipSixUnlessSet() {
        assertThat(config(null, null).compression()).isEqualTo(Compression.GZIP);
        assertThat(config(null, null).compressionLevel()).isEqualTo(6);
        assertThat(config("gzip", "").compressionLevel()).isEqualTo(6); // the template's empty default
    }

    @Test
    void zstdTakesItsOwnDefaultAndRange() {
        assertThat(config("zstd", null).compression()).isEqualTo(Compression.ZSTD);
        assertThat(config("zstd", "").compressionLevel()).isEqualTo(3);
        assertThat(config("zstd", "19").compressionLevel()).isEqualTo(19);
    }

    @Test
    void badValuesAreRefusedNamingTheVariable() {
        assertThatThrownBy(() -> config("lz4", null)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(BackupConfig.COMPRESSION).hasMessageContaining("'lz4'");
        assertThatThrownBy(() -> config("gzip", "12")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(BackupConfig.COMPRESSION_LEVEL).hasMessageContaining("between 1 and 9");
        assertThatThrownBy(() -> config("zstd", "20")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("between 1 and 19");
    }
}
