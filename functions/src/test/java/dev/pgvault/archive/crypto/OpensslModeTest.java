package dev.pgvault.archive.crypto;

import static dev.pgvault.archive.crypto.CryptoTestSupport.decrypt;
import static dev.pgvault.archive.crypto.CryptoTestSupport.encrypt;
import static dev.pgvault.archive.crypto.CryptoTestSupport.encryptToFile;
import static dev.pgvault.archive.crypto.CryptoTestSupport.flipped;
import static dev.pgvault.archive.crypto.CryptoTestSupport.truncated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.crypto.CryptoTestSupport.Encrypted;
import dev.pgvault.errors.TamperedBackupException;
import dev.pgvault.errors.TruncatedBackupException;
import dev.pgvault.errors.WrongKeyException;
import dev.pgvault.testing.SqlLikeData;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The openssl mode, with the real {@code openssl} command as the oracle for the format. */
class OpensslModeTest {
    /** Low so the suite stays fast; the default count has its own test. */
    private static final int ITERATIONS = 1_000;
    private static final String PASSPHRASE = "correct horse battery staple";

    @TempDir
    Path dir;

    private final byte[] data = SqlLikeData.bytes(3 * 1024 * 1024 + 11, 1);

    private Path keyFile(String content) throws IOException {
        Path file = dir.resolve("key-" + System.nanoTime());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }

    private byte[] opensslDecrypt(Path encrypted, Path keyFile, int iterations) throws IOException {
        Path out = dir.resolve("openssl-out-" + System.nanoTime());
        ExternalTool.runOrFail(List.of("openssl", "enc", "-d", "-aes-256-cbc", "-pbkdf2", "-iter", String.valueOf(iterations),
                "-md", "sha256", "-pass", "file:" + keyFile, "-in", encrypted.toString(), "-out", out.toString()),
                Map.of(), null, null);
        return Files.readAllBytes(out);
    }

    @Test
    void opensslDecryptsWhatWeWrite() throws IOException {
        Path keyFile = keyFile(PASSPHRASE + "\n");
        Path encrypted = dir.resolve("backup.sql.gz.enc");
        Encrypted result = encryptToFile(Encryptors.openssl(Passphrase.fromFile(keyFile), ITERATIONS), data, encrypted);

        assertThat(opensslDecrypt(encrypted, keyFile, ITERATIONS)).isEqualTo(data);
        OpensslParameters parameters = (OpensslParameters) result.parameters();
        assertThat(parameters.iterations()).isEqualTo(ITERATIONS);
        assertThat(parameters.encryptedBytes()).isEqualTo(Files.size(encrypted));
        assertThat(parameters.salt()).hasSize(16);
        assertThat(parameters.hmac()).hasSize(64);
    }

    @Test
    void defaultIterationCountIsAtLeast600000AndOpensslAgrees() throws IOException {
        assertThat(Encryptors.DEFAULT_OPENSSL_ITERATIONS).isGreaterThanOrEqualTo(600_000);
        Path keyFile = keyFile(PASSPHRASE);
        Path encrypted = dir.resolve("default.enc");
        Encrypted result = encryptToFile(Encryptors.openssl(Passphrase.fromFile(keyFile)), data, encrypted);

        assertThat(((OpensslParameters) result.parameters()).iterations()).isEqualTo(Encryptors.DEFAULT_OPENSSL_ITERATIONS);
        assertThat(opensslDecrypt(encrypted, keyFile, Encryptors.DEFAULT_OPENSSL_ITERATIONS)).isEqualTo(data);
    }

    /** The passphrase is the key file's first line, byte for byte as openssl reads it, carriage return included. */
    @ParameterizedTest
    @ValueSource(strings = {"no newline at all", "second line ignored\nnot part of it\n", "windows line end\r\n",
        "  spaces count  \n", "ünïcödé pässphrase\n"})
    void passphraseFromFileMeansWhatOpensslReads(String content) throws IOException {
        Path keyFile = keyFile(content);
        Path encrypted = dir.resolve("lines.enc");
        encryptToFile(Encryptors.openssl(Passphrase.fromFile(keyFile), ITERATIONS), data, encrypted);
        assertThat(opensslDecrypt(encrypted, keyFile, ITERATIONS)).isEqualTo(data);
    }

    @Test
    void passphraseFileMayHoldBytesThatAreNotUtf8() throws IOException {
        Path keyFile = dir.resolve("binary-key");
        Files.write(keyFile, new byte[] {(byte) 0xff, (byte) 0xfe, 'k', 'e', 'y', (byte) 0x80, '\n'});
        Path encrypted = dir.resolve("binary.enc");
        encryptToFile(Encryptors.openssl(Passphrase.fromFile(keyFile), ITERATIONS), data, encrypted);
        assertThat(opensslDecrypt(encrypted, keyFile, ITERATIONS)).isEqualTo(data);
    }

    @Test
    void secretTextPassphraseMatchesTheSameTextInAKeyFile() throws IOException {
        // An operator writes the secret's value to a file and uses openssl -pass file: with it.
        String secretValue = PASSPHRASE + "\n";
        Path encrypted = dir.resolve("secret.enc");
        encryptToFile(Encryptors.openssl(Passphrase.fromSecretText(secretValue, "arn:test"), ITERATIONS), data, encrypted);
        assertThat(opensslDecrypt(encrypted, keyFile(secretValue), ITERATIONS)).isEqualTo(data);
    }

    @Test
    void weOpenWhatOpensslWrites() throws IOException {
        Path keyFile = keyFile(PASSPHRASE + "\n");
        Path plain = dir.resolve("plain.sql");
        Files.write(plain, data);
        Path encrypted = dir.resolve("by-openssl.enc");
        ExternalTool.runOrFail(List.of("openssl", "enc", "-aes-256-cbc", "-salt", "-pbkdf2", "-iter", "12345",
                "-pass", "file:" + keyFile, "-in", plain.toString(), "-out", encrypted.toString()), Map.of(), null, null);

        byte[] opened = decrypt(Decryptors.openssl(Passphrase.fromFile(keyFile)), Files.readAllBytes(encrypted),
                OpensslParameters.unrecorded(12345));
        assertThat(opened).isEqualTo(data);
    }

    @Test
    void opensslObjectWithoutManifestAndWrongPassphraseIsAWrongKey() throws IOException {
        Path keyFile = keyFile(PASSPHRASE);
        Path plain = dir.resolve("plain.sql");
        Files.write(plain, data);
        Path encrypted = dir.resolve("by-openssl.enc");
        // A fixed salt makes the outcome deterministic (a wrong key yields a valid padding 1 time in 256).
        // With -S, openssl 3 leaves the header out; it is put back as openssl -salt would write it.
        ExternalTool.runOrFail(List.of("openssl", "enc", "-aes-256-cbc", "-S", "0102030405060708", "-pbkdf2", "-iter", "1000",
                "-pass", "file:" + keyFile, "-in", plain.toString(), "-out", encrypted.toString()), Map.of(), null, null);
        byte[] body = Files.readAllBytes(encrypted);
        byte[] stored = new byte[16 + body.length];
        System.arraycopy("Salted__".getBytes(StandardCharsets.US_ASCII), 0, stored, 0, 8);
        System.arraycopy(HexFormat.of().parseHex("0102030405060708"), 0, stored, 8, 8);
        System.arraycopy(body, 0, stored, 16, body.length);
        assertThat(decrypt(Decryptors.openssl(Passphrase.fromFile(keyFile)), stored, OpensslParameters.unrecorded(1000)))
                .isEqualTo(data);

        Decryptor wrong = Decryptors.openssl(Passphrase.of("not it".toCharArray()));
        assertThatThrownBy(() -> decrypt(wrong, stored, OpensslParameters.unrecorded(1000)))
                .isInstanceOf(WrongKeyException.class)
                .hasMessageContaining("wrong passphrase or iteration count");
    }

    /** The HMAC the manifest records is reproducible by hand with stock openssl, as OpensslKeys documents. */
    @Test
    void recordedHmacIsWhatStockOpensslComputes() throws IOException {
        Path encrypted = dir.resolve("mac.enc");
        OpensslParameters parameters = (OpensslParameters) encryptToFile(
                Encryptors.openssl(Passphrase.of(PASSPHRASE.toCharArray()), ITERATIONS), data, encrypted).parameters();

        String keyAndIv = oneLineHex(ExternalTool.runOrFail(List.of("openssl", "kdf", "-keylen", "48",
                "-kdfopt", "digest:SHA256", "-kdfopt", "pass:" + PASSPHRASE, "-kdfopt", "hexsalt:" + parameters.salt(),
                "-kdfopt", "iter:" + ITERATIONS, "PBKDF2"), Map.of(), null, null).stdout());
        String macKey = oneLineHex(ExternalTool.runOrFail(List.of("openssl", "kdf", "-keylen", "32",
                "-kdfopt", "digest:SHA256", "-kdfopt", "hexkey:" + keyAndIv, "-kdfopt", "info:" + OpensslKeys.MAC_KEY_LABEL,
                "HKDF"), Map.of(), null, null).stdout());
        String mac = ExternalTool.runOrFail(List.of("openssl", "dgst", "-sha256", "-mac", "HMAC", "-macopt", "hexkey:" + macKey,
                "-r", encrypted.toString()), Map.of(), null, null).stdout().split(" ")[0];

        assertThat(mac).isEqualToIgnoringCase(parameters.hmac());
    }

    private static String oneLineHex(String opensslKdfOutput) {
        return opensslKdfOutput.trim().replace(":", "");
    }

    @Test
    void roundTripChecksKeyAndMac() throws IOException {
        Passphrase passphrase = Passphrase.of(PASSPHRASE.toCharArray());
        Encrypted encrypted = encrypt(Encryptors.openssl(passphrase, ITERATIONS), data);
        assertThat(decrypt(Decryptors.openssl(passphrase), encrypted.stored(), encrypted.parameters())).isEqualTo(data);
        Decryptors.openssl(passphrase).verify(new ByteArrayInputStream(encrypted.stored()), encrypted.parameters());
    }

    @Test
    void emptyPlaintextRoundTrips() throws IOException {
        Passphrase passphrase = Passphrase.of(PASSPHRASE.toCharArray());
        Encrypted encrypted = encrypt(Encryptors.openssl(passphrase, ITERATIONS), new byte[0]);
        assertThat(encrypted.stored()).hasSize(32);
        assertThat(decrypt(Decryptors.openssl(passphrase), encrypted.stored(), encrypted.parameters())).isEmpty();
    }

    @Test
    void wrongPassphraseIsRefusedBeforeAnyPlaintext() throws IOException {
        Encrypted encrypted = encrypt(Encryptors.openssl(Passphrase.of(PASSPHRASE.toCharArray()), ITERATIONS), data);
        Decryptor wrong = Decryptors.openssl(Passphrase.of("Correct horse battery staple".toCharArray()));

        assertThatThrownBy(() -> wrong.decrypt(new ByteArrayInputStream(encrypted.stored()), encrypted.parameters()))
                .isInstanceOf(WrongKeyException.class)
                .hasMessageContaining("passphrase does not open");
        assertThatThrownBy(() -> wrong.verify(new ByteArrayInputStream(encrypted.stored()), encrypted.parameters()))
                .isInstanceOf(WrongKeyException.class);
    }

    @Test
    void windowsLineEndInKeyFileGetsAHint() throws IOException {
        Encrypted encrypted = encrypt(Encryptors.openssl(Passphrase.of(PASSPHRASE.toCharArray()), ITERATIONS), data);
        Decryptor withCarriageReturn = Decryptors.openssl(Passphrase.fromFile(keyFile(PASSPHRASE + "\r\n")));
        assertThatThrownBy(() -> decrypt(withCarriageReturn, encrypted.stored(), encrypted.parameters()))
                .isInstanceOf(WrongKeyException.class)
                .hasMessageContaining("carriage return");
    }

    /** Header (magic, salt), first ciphertext block, middle, last block: each is caught, by decrypt and by verify. */
    @ParameterizedTest
    @ValueSource(ints = {0, 7, 8, 15, 16, 1_000_000, -17, -1})
    void flippedByteAnywhereIsTampering(int position) throws IOException {
        Passphrase passphrase = Passphrase.of(PASSPHRASE.toCharArray());
        Encrypted encrypted = encrypt(Encryptors.openssl(passphrase, ITERATIONS), data);
        byte[] damaged = flipped(encrypted.stored(), position >= 0 ? position : encrypted.stored().length + position);
        Decryptor decryptor = Decryptors.openssl(passphrase);

        assertThatThrownBy(() -> decrypt(decryptor, damaged, encrypted.parameters()))
                .isInstanceOf(TamperedBackupException.class);
        assertThatThrownBy(() -> decryptor.verify(new ByteArrayInputStream(damaged), encrypted.parameters()))
                .isInstanceOf(TamperedBackupException.class);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 16, 17, 32, 1_000_000, -16, -1})
    void truncationIsNamed(int cut) throws IOException {
        Passphrase passphrase = Passphrase.of(PASSPHRASE.toCharArray());
        Encrypted encrypted = encrypt(Encryptors.openssl(passphrase, ITERATIONS), data);
        byte[] shortened = truncated(encrypted.stored(), cut >= 0 ? cut : encrypted.stored().length + cut);
        Decryptor decryptor = Decryptors.openssl(passphrase);

        assertThatThrownBy(() -> decrypt(decryptor, shortened, encrypted.parameters()))
                .isInstanceOf(TruncatedBackupException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> decryptor.verify(new ByteArrayInputStream(shortened), encrypted.parameters()))
                .isInstanceOf(TruncatedBackupException.class);
    }

    @Test
    void appendedBytesAreTampering() throws IOException {
        Passphrase passphrase = Passphrase.of(PASSPHRASE.toCharArray());
        Encrypted encrypted = encrypt(Encryptors.openssl(passphrase, ITERATIONS), data);
        byte[] longer = java.util.Arrays.copyOf(encrypted.stored(), encrypted.stored().length + 16);

        assertThatThrownBy(() -> decrypt(Decryptors.openssl(passphrase), longer, encrypted.parameters()))
                .isInstanceOf(TamperedBackupException.class)
                .hasMessageContaining("longer");
    }

    @Test
    void tamperedObjectNeverReachesACleanEndAndKeepsFailing() throws IOException {
        Passphrase passphrase = Passphrase.of(PASSPHRASE.toCharArray());
        Encrypted encrypted = encrypt(Encryptors.openssl(passphrase, ITERATIONS), data);
        byte[] damaged = flipped(encrypted.stored(), encrypted.stored().length / 2);

        DecryptingStream plaintext = Decryptors.openssl(passphrase).decrypt(new ByteArrayInputStream(damaged), encrypted.parameters());
        byte[] buffer = new byte[8192];
        long released = 0;
        TamperedBackupException failure = null;
        try {
            for (int n; (n = plaintext.read(buffer, 0, buffer.length)) >= 0; ) {
                released += n;
            }
        } catch (TamperedBackupException e) {
            failure = e;
        }
        assertThat(failure).as("the damage is reported instead of an end of stream").isNotNull();
        // The last block (with the padding) is withheld until the MAC is checked.
        assertThat(released).isLessThan(data.length);
        assertThatThrownBy(() -> plaintext.read(buffer, 0, buffer.length)).isSameAs(failure);
        assertThatThrownBy(plaintext::verifyToEnd).isSameAs(failure);
    }

    @Test
    void tamperedSaltIsTamperingNotAWrongKey() throws IOException {
        Passphrase passphrase = Passphrase.of(PASSPHRASE.toCharArray());
        Encrypted encrypted = encrypt(Encryptors.openssl(passphrase, ITERATIONS), data);
        byte[] damaged = flipped(encrypted.stored(), 12);
        assertThatThrownBy(() -> decrypt(Decryptors.openssl(passphrase), damaged, encrypted.parameters()))
                .isInstanceOf(TamperedBackupException.class)
                .hasMessageContaining("salt");
    }

    @Test
    void recordedParametersRoundTripThroughText() {
        OpensslParameters recorded = OpensslParameters.recorded(600_000, "0011223344556677", "aa".repeat(32), "bb".repeat(32), 4242);
        assertThat(HexFormat.of().parseHex(recorded.salt())).hasSize(8);
        assertThat(recorded.mode()).isEqualTo("openssl");
    }
}
