package dev.pgvault.archive.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.archive.CountingOutputStream;
import dev.pgvault.testing.SqlLikeData;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both directions stream: what goes in comes out within a fixed distance, whatever the size, so
 * memory does not grow with the backup. Checked on 48 MB, far beyond any buffer used.
 */
class StreamingTest {
    private static final long SIZE = 48L * 1024 * 1024;
    /** The most either side may hold back: a few cipher and packet buffers. */
    private static final long MAX_LAG = 512 * 1024;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "pgp"})
    void encryptionAndDecryptionKeepUpWithTheirInput(String mode) throws Exception {
        Passphrase passphrase = Passphrase.of("streaming".toCharArray());
        Encryptor encryptor = mode.equals("openssl")
                ? Encryptors.openssl(passphrase, 1000)
                : Encryptors.pgp(List.of(PgpTestKeys.get().bobPublicBinary));
        Decryptor decryptor = mode.equals("openssl")
                ? Decryptors.openssl(passphrase)
                : Decryptors.pgp(PgpTestKeys.get().bobSecretBinary, null);
        Path stored = dir.resolve("stored");

        MessageDigest written = sha256();
        EncryptionParameters parameters;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(stored));
             CountingOutputStream sink = new CountingOutputStream(file)) {
            EncryptingStream encrypting = encryptor.encrypt(sink);
            InputStream source = new SqlLikeData(SIZE, 7);
            byte[] chunk = new byte[100_000];
            long plaintextIn = 0;
            for (int n; (n = source.read(chunk, 0, chunk.length)) >= 0; ) {
                encrypting.write(chunk, 0, n);
                written.update(chunk, 0, n);
                plaintextIn += n;
                assertThat(plaintextIn - sink.count()).as("plaintext held back while encrypting").isLessThan(MAX_LAG);
            }
            encrypting.close();
            parameters = encrypting.parameters();
        }

        MessageDigest read = sha256();
        try (ReadCounter storedIn = new ReadCounter(Files.newInputStream(stored));
             DecryptingStream plaintext = decryptor.decrypt(storedIn, parameters)) {
            byte[] chunk = new byte[100_000];
            long plaintextOut = 0;
            for (int n; (n = plaintext.read(chunk, 0, chunk.length)) >= 0; ) {
                read.update(chunk, 0, n);
                plaintextOut += n;
                assertThat(storedIn.count - plaintextOut).as("stored bytes read ahead while decrypting").isLessThan(MAX_LAG);
            }
            assertThat(plaintextOut).isEqualTo(SIZE);
        }
        assertThat(read.digest()).isEqualTo(written.digest());
    }

    private static MessageDigest sha256() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256");
    }

    private static final class ReadCounter extends FilterInputStream {
        long count;

        ReadCounter(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

}
