package dev.pgvault.archive.crypto;

import static dev.pgvault.archive.crypto.CryptoTestSupport.decrypt;
import static dev.pgvault.archive.crypto.CryptoTestSupport.encrypt;
import static dev.pgvault.archive.crypto.CryptoTestSupport.flipped;
import static dev.pgvault.archive.crypto.CryptoTestSupport.truncated;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.archive.crypto.CryptoTestSupport.Encrypted;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** No passphrase, secret key or derived key in any message, cause, stack trace, toString or parameters. */
class NoSecretsInErrorsTest {
    private static final String OPENSSL_PASSPHRASE = "Opensslpassphrase-7f3a91";
    private static final String WRONG_PASSPHRASE = "Wrongpassphrase-c2d4e8";
    private static final String WRONG_KEY_PASSPHRASE = "Wrongkeypassphrase-b6a0";

    private final byte[] data = "COPY t FROM stdin;\n1\tsecret row\n\\.\n".repeat(5000).getBytes(StandardCharsets.US_ASCII);

    @Test
    void failuresNeverCarrySecrets() throws Exception {
        PgpTestKeys keys = PgpTestKeys.get();
        Passphrase passphrase = Passphrase.of(OPENSSL_PASSPHRASE.toCharArray());
        Encrypted openssl = encrypt(Encryptors.openssl(passphrase, 1000), data);
        Encrypted pgp = encrypt(Encryptors.pgp(List.of(keys.alicePublicArmored)), data);
        Decryptor alice = Decryptors.pgp(keys.aliceSecretArmored, PgpTestKeys.ALICE_KEY_PASSPHRASE.toCharArray());

        List<ThrowingCallable> failures = List.of(
                () -> decrypt(Decryptors.openssl(Passphrase.of(WRONG_PASSPHRASE.toCharArray())), openssl.stored(), openssl.parameters()),
                () -> decrypt(Decryptors.openssl(Passphrase.of(WRONG_PASSPHRASE.toCharArray())), openssl.stored(),
                        OpensslParameters.unrecorded(1000)),
                () -> decrypt(Decryptors.openssl(passphrase), flipped(openssl.stored(), 100), openssl.parameters()),
                () -> decrypt(Decryptors.openssl(passphrase), truncated(openssl.stored(), 100), openssl.parameters()),
                () -> decrypt(Decryptors.pgp(keys.aliceSecretArmored, WRONG_KEY_PASSPHRASE.toCharArray()), pgp.stored(), pgp.parameters()),
                () -> decrypt(Decryptors.pgp(keys.carolSecretArmored, null), pgp.stored(), pgp.parameters()),
                () -> decrypt(alice, flipped(pgp.stored(), pgp.stored().length / 2), pgp.parameters()),
                () -> decrypt(alice, truncated(pgp.stored(), 300), pgp.parameters()),
                () -> decrypt(alice, openssl.stored(), openssl.parameters()),
                () -> Passphrase.of((OPENSSL_PASSPHRASE + "\n" + WRONG_PASSPHRASE).toCharArray()),
                () -> Passphrase.of((OPENSSL_PASSPHRASE + "\0").toCharArray()),
                () -> Passphrase.fromSecretText(OPENSSL_PASSPHRASE.repeat(100), "ssm:/pgvault/key"),
                () -> Encryptors.pgp(List.of(keys.aliceSecretArmored)),
                () -> Decryptors.pgp(keys.alicePublicArmored, WRONG_KEY_PASSPHRASE.toCharArray()));

        List<String> secrets = new ArrayList<>(List.of(OPENSSL_PASSPHRASE, WRONG_PASSPHRASE, WRONG_KEY_PASSPHRASE,
                PgpTestKeys.ALICE_KEY_PASSPHRASE));
        secrets.addAll(armorBodyLines(keys.aliceSecretArmored));
        secrets.addAll(armorBodyLines(keys.carolSecretArmored));

        for (ThrowingCallable failing : failures) {
            Throwable thrown = catchThrowable(failing);
            assertThat(thrown).as("each case fails").isNotNull();
            String everything = render(thrown);
            for (String secret : secrets) {
                assertThat(everything).doesNotContain(secret);
            }
        }
        String recorded = new ObjectMapper().writeValueAsString(List.of(openssl.parameters(), pgp.parameters()));
        for (String secret : secrets) {
            assertThat(recorded).doesNotContain(secret);
        }
        assertThat(passphrase.toString()).doesNotContain(OPENSSL_PASSPHRASE);
    }

    private static String render(Throwable thrown) {
        StringWriter text = new StringWriter();
        thrown.printStackTrace(new PrintWriter(text));
        return text + "\n" + thrown;
    }

    /** Lines of base64 key material in an armored key (skipping headers and the short checksum line). */
    private static List<String> armorBodyLines(byte[] armored) {
        return new String(armored, StandardCharsets.US_ASCII).lines()
                .filter(line -> line.length() >= 40 && !line.startsWith("-----") && !line.contains(":"))
                .toList();
    }
}
