package dev.pgvault.archive.crypto;

import static dev.pgvault.archive.crypto.CryptoTestSupport.decrypt;
import static dev.pgvault.archive.crypto.CryptoTestSupport.encrypt;
import static dev.pgvault.archive.crypto.CryptoTestSupport.encryptToFile;
import static dev.pgvault.archive.crypto.CryptoTestSupport.flipped;
import static dev.pgvault.archive.crypto.CryptoTestSupport.truncated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.crypto.CryptoTestSupport.Encrypted;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.errors.IntegrityException;
import dev.pgvault.errors.TamperedBackupException;
import dev.pgvault.errors.TruncatedBackupException;
import dev.pgvault.errors.WrongKeyException;
import dev.pgvault.testing.SqlLikeData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.bcpg.SymmetricKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedDataGenerator;
import org.bouncycastle.openpgp.PGPLiteralData;
import org.bouncycastle.openpgp.PGPLiteralDataGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPDataEncryptorBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPublicKeyKeyEncryptionMethodGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pgp mode, with the real {@code gpg} as the oracle: it decrypts ours, we decrypt its. */
class PgpModeTest {
    private static PgpTestKeys keys;

    @TempDir
    Path dir;

    private final byte[] data = SqlLikeData.bytes(3 * 1024 * 1024 + 5, 2);

    @BeforeAll
    static void makeKeys() {
        keys = PgpTestKeys.get();
    }

    private static Encryptor toAliceAndBob() {
        return Encryptors.pgp(List.of(keys.alicePublicArmored, keys.bobPublicBinary));
    }

    private static Decryptor alice() {
        return Decryptors.pgp(keys.aliceSecretArmored, PgpTestKeys.ALICE_KEY_PASSPHRASE.toCharArray());
    }

    private static Decryptor bob() {
        return Decryptors.pgp(keys.bobSecretBinary, null);
    }

    @Test
    void gpgDecryptsWhatWeWriteWithEachRecipientsKeyAlone() throws IOException {
        Path encrypted = dir.resolve("backup.sql.gz.gpg");
        encryptToFile(toAliceAndBob(), data, encrypted);

        Path byAlice = dir.resolve("alice.out");
        ExternalTool.Result alice = keys.aliceHome.decrypt(encrypted, byAlice, PgpTestKeys.ALICE_KEY_PASSPHRASE);
        assertThat(alice.exitCode()).as(alice.stderr()).isZero();
        assertThat(Files.readAllBytes(byAlice)).isEqualTo(data);
        assertThat(alice.stderr()).contains("AES256").doesNotContain("WARNING");

        Path byBob = dir.resolve("bob.out");
        ExternalTool.Result bob = keys.bobHome.decrypt(encrypted, byBob, "");
        assertThat(bob.exitCode()).as(bob.stderr()).isZero();
        assertThat(Files.readAllBytes(byBob)).isEqualTo(data);
    }

    /** What gpg sees: one session key per recipient, SEIPD v1 with MDC, partial lengths, no compression. */
    @Test
    void messageIsIntegrityProtectedUncompressedAndStreamed() throws IOException {
        Path encrypted = dir.resolve("backup.sql.gz.gpg");
        encryptToFile(toAliceAndBob(), data, encrypted);
        String packets = keys.maker.listPackets(encrypted);

        assertThat(packets.split(":pubkey enc packet:", -1)).hasSize(3);
        assertThat(packets).contains(":encrypted data packet:").contains("mdc_method: 2")
                .contains("partial new-ctb").contains(":literal data packet:")
                .doesNotContain(":compressed packet:");
        for (String keyId : keys.aliceEncryptionKeyIds) {
            assertThat(packets).contains("keyid " + keyId);
        }
    }

    @Test
    void parametersNameTheRecipientsAndTheLength() throws IOException {
        Encrypted encrypted = encrypt(toAliceAndBob(), data);
        PgpParameters parameters = (PgpParameters) encrypted.parameters();

        assertThat(parameters.encryptedBytes()).isEqualTo(encrypted.stored().length);
        assertThat(parameters.recipients()).extracting(PgpParameters.PgpRecipient::keyId)
                .containsExactlyInAnyOrderElementsOf(concat(keys.aliceEncryptionKeyIds, keys.bobEncryptionKeyIds));
        assertThat(parameters.recipients()).extracting(PgpParameters.PgpRecipient::userId)
                .contains(PgpTestKeys.ALICE, PgpTestKeys.BOB);
        assertThat(parameters.recipients()).extracting(PgpParameters.PgpRecipient::certificateFingerprint)
                .contains(keys.maker.fingerprint(PgpTestKeys.ALICE));
    }

    @Test
    void eachRecipientOpensItWithUs() throws IOException {
        Encrypted encrypted = encrypt(toAliceAndBob(), data);
        assertThat(decrypt(alice(), encrypted.stored(), encrypted.parameters())).isEqualTo(data);
        assertThat(decrypt(bob(), encrypted.stored(), encrypted.parameters())).isEqualTo(data);
        bob().verify(new ByteArrayInputStream(encrypted.stored()), encrypted.parameters());
    }

    @Test
    void binaryAndArmoredPublicKeysGiveTheSameRecipients() throws IOException {
        PgpParameters armored = (PgpParameters) encrypt(Encryptors.pgp(List.of(keys.alicePublicArmored)), new byte[0]).parameters();
        PgpParameters binary = (PgpParameters) encrypt(Encryptors.pgp(List.of(keys.alicePublicBinary)), new byte[0]).parameters();
        assertThat(armored.recipients()).isEqualTo(binary.recipients());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void weOpenWhatGpgEncrypts(boolean armor) throws IOException {
        Path plain = dir.resolve("plain.sql");
        Files.write(plain, data);
        Path encrypted = dir.resolve("by-gpg.gpg");
        // gpg's defaults: compressed, to both recipients.
        keys.maker.encrypt(plain, encrypted, armor, PgpTestKeys.ALICE, PgpTestKeys.BOB);
        byte[] stored = Files.readAllBytes(encrypted);

        assertThat(decrypt(alice(), stored, PgpParameters.unrecorded())).isEqualTo(data);
        assertThat(decrypt(bob(), stored, PgpParameters.unrecorded())).isEqualTo(data);
    }

    @Test
    void keyThatIsNotARecipientIsAWrongKeyNamingTheRecipients() throws IOException {
        Encrypted encrypted = encrypt(toAliceAndBob(), data);
        Decryptor carol = Decryptors.pgp(keys.carolSecretArmored, null);

        assertThatThrownBy(() -> decrypt(carol, encrypted.stored(), encrypted.parameters()))
                .isInstanceOf(WrongKeyException.class)
                .hasMessageContaining(keys.aliceEncryptionKeyIds.get(0))
                .hasMessageContaining(keys.bobEncryptionKeyIds.get(0))
                .hasMessageContaining(PgpTestKeys.ALICE);
    }

    @Test
    void wrongOrMissingSecretKeyPassphraseIsAWrongKey() throws IOException {
        Encrypted encrypted = encrypt(Encryptors.pgp(List.of(keys.alicePublicArmored)), data);

        assertThatThrownBy(() -> decrypt(Decryptors.pgp(keys.aliceSecretArmored, "not it".toCharArray()),
                encrypted.stored(), encrypted.parameters()))
                .isInstanceOf(WrongKeyException.class)
                .hasMessageContaining("passphrase given for secret key " + keys.aliceEncryptionKeyIds.get(0) + " is wrong");
        assertThatThrownBy(() -> decrypt(Decryptors.pgp(keys.aliceSecretArmored, null), encrypted.stored(), encrypted.parameters()))
                .isInstanceOf(WrongKeyException.class)
                .hasMessageContaining("none was given");
    }

    /** First byte, a recipient's key id, the middle, the integrity packet at the end. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1_500_000, -1, -10, -22})
    void flippedByteIsTampering(int position) throws IOException {
        Encrypted encrypted = encrypt(toAliceAndBob(), data);
        byte[] damaged = flipped(encrypted.stored(), position >= 0 ? position : encrypted.stored().length + position);

        assertThatThrownBy(() -> decrypt(bob(), damaged, encrypted.parameters()))
                .isInstanceOf(TamperedBackupException.class);
        assertThatThrownBy(() -> bob().verify(new ByteArrayInputStream(damaged), encrypted.parameters()))
                .isInstanceOf(TamperedBackupException.class);
    }

    @Test
    void flippedRecipientKeyIdIsTamperingNotAWrongKey() throws IOException {
        Encrypted encrypted = encrypt(toAliceAndBob(), data);
        int at = indexOf(encrypted.stored(), HexFormat.of().parseHex(keys.bobEncryptionKeyIds.get(0)));
        assertThat(at).isPositive();
        byte[] damaged = flipped(encrypted.stored(), at + 3);

        assertThatThrownBy(() -> decrypt(alice(), damaged, encrypted.parameters()))
                .isInstanceOf(TamperedBackupException.class)
                .hasMessageContaining("but its manifest records");
    }

    /**
     * The integrity packet covers the data, not the other recipients' session key packets: damage to
     * Alice's packet cannot change what Bob decrypts (he still gets exactly what was written), Alice is
     * told her copy is damaged, and the manifest's SHA-256 of the whole object catches it for everyone.
     */
    @Test
    void damageToAnotherRecipientsSessionKeyLeavesThisRecipientsPlaintextExact() throws IOException {
        Encrypted encrypted = encrypt(toAliceAndBob(), data);
        int at = indexOf(encrypted.stored(), HexFormat.of().parseHex(keys.aliceEncryptionKeyIds.get(0)));
        byte[] damaged = flipped(encrypted.stored(), at + 8 + 1 + 10);

        assertThat(decrypt(bob(), damaged, encrypted.parameters())).isEqualTo(data);
        assertThatThrownBy(() -> decrypt(alice(), damaged, encrypted.parameters()))
                .isInstanceOf(TamperedBackupException.class)
                .hasMessageContaining("session key");
    }

    @Test
    void flippedSessionKeyIsTamperingNotAWrongKey() throws IOException {
        Encrypted encrypted = encrypt(Encryptors.pgp(List.of(keys.bobPublicBinary)), data);
        int at = indexOf(encrypted.stored(), HexFormat.of().parseHex(keys.bobEncryptionKeyIds.get(0)));
        // After the key id: the algorithm octet, then the RSA-encrypted session key.
        byte[] damaged = flipped(encrypted.stored(), at + 8 + 1 + 2 + 100);

        assertThatThrownBy(() -> decrypt(bob(), damaged, encrypted.parameters()))
                .isInstanceOf(TamperedBackupException.class)
                .hasMessageContaining("session key");
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 100, 1_500_000, -1, -22, -23})
    void truncationIsNamed(int cut) throws IOException {
        Encrypted encrypted = encrypt(toAliceAndBob(), data);
        byte[] shortened = truncated(encrypted.stored(), cut >= 0 ? cut : encrypted.stored().length + cut);

        assertThatThrownBy(() -> decrypt(bob(), shortened, encrypted.parameters()))
                .isInstanceOf(TruncatedBackupException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void appendedBytesAreTampering() throws IOException {
        Encrypted encrypted = encrypt(toAliceAndBob(), data);
        byte[] longer = java.util.Arrays.copyOf(encrypted.stored(), encrypted.stored().length + 5);
        assertThatThrownBy(() -> decrypt(bob(), longer, encrypted.parameters()))
                .isInstanceOf(TamperedBackupException.class);
    }

    @Test
    void messageWithoutIntegrityPacketIsRefused() throws Exception {
        // What pre-2000 PGP wrote: no modification detection code. Made with Bouncy Castle, as gpg 2.2 no longer will.
        var bobKey = PgpRecipientKeys.parse(List.of(keys.bobPublicBinary)).get(0).key();
        PGPEncryptedDataGenerator generator = new PGPEncryptedDataGenerator(
                new BcPGPDataEncryptorBuilder(SymmetricKeyAlgorithmTags.AES_256).setWithIntegrityPacket(false)
                        .setSecureRandom(new SecureRandom()));
        generator.addMethod(new BcPublicKeyKeyEncryptionMethodGenerator(bobKey));
        ByteArrayOutputStream stored = new ByteArrayOutputStream();
        try (OutputStream encrypted = generator.open(stored, new byte[1 << 12]);
             OutputStream literal = new PGPLiteralDataGenerator().open(encrypted, PGPLiteralData.BINARY, "", new Date(), new byte[1 << 12])) {
            literal.write(data, 0, 1000);
        }
        assertThatThrownBy(() -> decrypt(bob(), stored.toByteArray(), PgpParameters.unrecorded()))
                .isInstanceOf(IntegrityException.class)
                .hasMessageContaining("no integrity protection");
    }

    @Test
    void badRecipientKeysAreConfigurationErrors() {
        assertThatThrownBy(() -> Encryptors.pgp(List.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> Encryptors.pgp(List.of("not a key".getBytes())))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("recipient key #1");
        assertThatThrownBy(() -> Encryptors.pgp(List.of(keys.alicePublicArmored, keys.carolSecretArmored)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("recipient key #2 is a secret key");
        assertThatThrownBy(() -> Encryptors.pgp(List.of(keys.davePublicArmored)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("no valid encryption key");
        assertThatThrownBy(() -> Decryptors.pgp(keys.alicePublicArmored, null))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("not an OpenPGP secret key");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }
}
