package dev.pgvault.archive.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.archive.Compression;
import dev.pgvault.repository.BackupArtifacts;
import dev.pgvault.repository.BackupKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The catalog declares the encryption suffixes by mode (a listing has no keys to build an
 * encryptor with); every real encryptor must agree with it, or its backups would not be listed.
 */
class EncryptionSuffixTest {
    @Test
    void everyEncryptorsSuffixIsTheOneTheCatalogDeclares() {
        List<Encryptor> encryptors = List.of(
                Encryptors.none(),
                Encryptors.openssl(Passphrase.of("correct horse battery staple".toCharArray()), 100_000),
                Encryptors.pgp(List.of(PgpTestKeys.get().alicePublicArmored)));
        for (Encryptor encryptor : encryptors) {
            assertThat(BackupArtifacts.encryptionSuffix(encryptor.mode())).as(encryptor.mode())
                    .isEqualTo(encryptor.keySuffix());
            for (Compression compression : Compression.values()) {
                String suffix = BackupArtifacts.objectSuffix(compression, encryptor);
                assertThat(BackupKey.parse("daily/auth-db-backup-2026-11-24" + suffix)).as(suffix).isPresent();
            }
        }
    }
}
