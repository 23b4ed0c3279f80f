package dev.pgvault.archive.crypto;

import static dev.pgvault.archive.crypto.CryptoTestSupport.encrypt;
import static dev.pgvault.archive.crypto.CryptoTestSupport.flipped;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.crypto.CryptoTestSupport.Encrypted;
import dev.pgvault.errors.IntegrityException;
import dev.pgvault.errors.TamperedBackupException;
import dev.pgvault.testing.SqlLikeData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The restore's way of reading: gzip on top of the decrypting stream, applying as it goes, and
 * committing only after {@link DecryptingStream#verifyToEnd()}. gzip stops at its trailer without
 * reading to the end, which is why verifyToEnd exists.
 */
class DecryptingStreamContractTest {
    private final byte[] sql = SqlLikeData.bytes(2 * 1024 * 1024, 4);

    private Encrypted gzippedAndEncrypted(String mode) throws IOException {
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
            gzip.write(sql);
        }
        return encrypt(encryptor(mode), gzipped.toByteArray());
    }

    private static Encryptor encryptor(String mode) {
        return mode.equals("openssl") ? Encryptors.openssl(Passphrase.of("pw".toCharArray()), 1000)
                : Encryptors.pgp(List.of(PgpTestKeys.get().bobPublicBinary));
    }

    private static Decryptor decryptor(String mode) {
        return mode.equals("openssl") ? Decryptors.openssl(Passphrase.of("pw".toCharArray()))
                : Decryptors.pgp(PgpTestKeys.get().bobSecretBinary, null);
    }

    /** Restore-like: apply everything gzip yields, then verify, then "commit". Returns what was applied. */
    private byte[] restore(String mode, byte[] stored, EncryptionParameters parameters) throws IOException {
        try (DecryptingStream plaintext = decryptor(mode).decrypt(new ByteArrayInputStream(stored), parameters);
             InputStream gzip = new GZIPInputStream(plaintext)) {
            byte[] applied = gzip.readAllBytes();
            plaintext.verifyToEnd();
            return applied;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "pgp"})
    void intactBackupRestoresAndVerifies(String mode) throws IOException {
        Encrypted encrypted = gzippedAndEncrypted(mode);
        assertThat(restore(mode, encrypted.stored(), encrypted.parameters())).isEqualTo(sql);
    }

    /** Damage in the very last bytes: gzip may already be content, the check still stops the commit. */
    @ParameterizedTest
    @ValueSource(strings = {"openssl", "pgp"})
    void damageAtTheEndStopsTheCommit(String mode) throws IOException {
        Encrypted encrypted = gzippedAndEncrypted(mode);
        byte[] damaged = flipped(encrypted.stored(), encrypted.stored().length - 1);
        assertThatThrownBy(() -> restore(mode, damaged, encrypted.parameters())).isInstanceOf(TamperedBackupException.class);
    }

    /** When gzip fails first on garbage, verifyToEnd names the real cause. */
    @ParameterizedTest
    @ValueSource(strings = {"openssl", "pgp"})
    void verifyToEndExplainsAGzipFailure(String mode) throws IOException {
        Encrypted encrypted = gzippedAndEncrypted(mode);
        byte[] damaged = flipped(encrypted.stored(), encrypted.stored().length / 2);
        try (DecryptingStream plaintext = decryptor(mode).decrypt(new ByteArrayInputStream(damaged), encrypted.parameters());
             InputStream gzip = new GZIPInputStream(plaintext)) {
            assertThatThrownBy(gzip::readAllBytes).isInstanceOfAny(ZipException.class, IntegrityException.class);
            assertThatThrownBy(plaintext::verifyToEnd).isInstanceOf(TamperedBackupException.class);
        }
    }
}
