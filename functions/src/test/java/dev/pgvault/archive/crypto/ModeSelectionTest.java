package dev.pgvault.archive.crypto;

import static dev.pgvault.archive.crypto.CryptoTestSupport.decrypt;
import static dev.pgvault.archive.crypto.CryptoTestSupport.encrypt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.crypto.CryptoTestSupport.Encrypted;
import dev.pgvault.errors.WrongKeyException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One path for the pipeline whatever the mode, and clear words when the key is of the wrong kind. */
class ModeSelectionTest {
    private final byte[] data = "COPY t FROM stdin;\n1\tx\n\\.\n".getBytes(StandardCharsets.US_ASCII);
    private final Passphrase passphrase = Passphrase.of("pw".toCharArray());

    @Test
    void modesAndSuffixes() {
        assertThat(Encryptors.none().mode()).isEqualTo("none");
        assertThat(Encryptors.none().keySuffix()).isEmpty();
        assertThat(Encryptors.openssl(passphrase, 1000).mode()).isEqualTo("openssl");
        assertThat(Encryptors.openssl(passphrase, 1000).keySuffix()).isEqualTo(".enc");
        Encryptor pgp = Encryptors.pgp(List.of(PgpTestKeys.get().bobPublicBinary));
        assertThat(pgp.mode()).isEqualTo("pgp");
        assertThat(pgp.keySuffix()).isEqualTo(".gpg");
    }

    @Test
    void noEncryptionPassesBytesThrough() throws IOException {
        Encrypted stored = encrypt(Encryptors.none(), data);
        assertThat(stored.stored()).isEqualTo(data);
        assertThat(stored.parameters()).isEqualTo(new NoEncryptionParameters());
        assertThat(decrypt(Decryptors.none(), stored.stored(), stored.parameters())).isEqualTo(data);
    }

    @Test
    void everyDecryptorOpensAnUnencryptedBackup() throws IOException {
        EncryptionParameters none = new NoEncryptionParameters();
        assertThat(decrypt(Decryptors.openssl(passphrase), data, none)).isEqualTo(data);
        assertThat(decrypt(Decryptors.pgp(PgpTestKeys.get().bobSecretBinary, null), data, none)).isEqualTo(data);
    }

    @Test
    void keyOfTheWrongKindSaysWhichKeyIsNeeded() throws IOException {
        Encrypted openssl = encrypt(Encryptors.openssl(passphrase, 1000), data);
        Encrypted pgp = encrypt(Encryptors.pgp(List.of(PgpTestKeys.get().bobPublicBinary)), data);

        assertThatThrownBy(() -> decrypt(Decryptors.none(), openssl.stored(), openssl.parameters()))
                .isInstanceOf(WrongKeyException.class)
                .hasMessage("this backup is encrypted in openssl mode but no key was given; it needs its passphrase");
        assertThatThrownBy(() -> decrypt(Decryptors.openssl(passphrase), pgp.stored(), pgp.parameters()))
                .isInstanceOf(WrongKeyException.class)
                .hasMessageContaining("needs an OpenPGP secret key");
        assertThatThrownBy(() -> decrypt(Decryptors.pgp(PgpTestKeys.get().bobSecretBinary, null), openssl.stored(), openssl.parameters()))
                .isInstanceOf(WrongKeyException.class)
                .hasMessageContaining("the key given is for pgp mode");
    }

    @Test
    void parametersExistOnlyAfterClose() throws IOException {
        EncryptingStream stream = Encryptors.openssl(passphrase, 1000).encrypt(new java.io.ByteArrayOutputStream());
        stream.write(data);
        assertThatThrownBy(stream::parameters).isInstanceOf(IllegalStateException.class);
        stream.close();
        stream.close();
        assertThat(stream.parameters().mode()).isEqualTo("openssl");
        assertThatThrownBy(() -> stream.write(data)).isInstanceOf(IOException.class);
    }
}
