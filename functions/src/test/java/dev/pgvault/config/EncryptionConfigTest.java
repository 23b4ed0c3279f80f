package dev.pgvault.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.ConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * PGVAULT_PGP_RECIPIENT_KEY_REFS and the other encryption variables: a list is read element by
 * element, trimmed, and refused naming the variable when an element is empty, holds a space or
 * repeats another.
 */
class EncryptionConfigTest {
    private static final String A = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pgvault/alice-AbCdEf";
    private static final String B = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pgvault/bob-GhIjKl";

    private static EncryptionConfig pgp(String refs) {
        return EncryptionConfig.from(new Environment(Map.of(EncryptionConfig.MODE, "pgp",
                EncryptionConfig.RECIPIENT_KEY_REFS, refs)));
    }

    @Test
    void recipientsAreTrimmedOneByOne() {
        assertThat(pgp(A).recipientKeyRefs()).containsExactly(A);
        assertThat(pgp(A + "," + B).recipientKeyRefs()).containsExactly(A, B);
        assertThat(pgp(A + ", " + B).recipientKeyRefs()).containsExactly(A, B);
        assertThat(pgp("  " + A + " ,\t" + B + "\n").recipientKeyRefs()).containsExactly(A, B);
        assertThat(pgp("ssm:/pgvault/alice, " + B).recipientKeyRefs()).containsExactly("ssm:/pgvault/alice", B);
    }

    @Test
    void anEmptyElementIsRefusedNamingTheVariableAndThePosition() {
        for (String refs : new String[] {A + ",," + B, A + ",", "," + A, A + ", ,"}) {
            assertThatThrownBy(() -> pgp(refs)).as(refs)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(EncryptionConfig.RECIPIENT_KEY_REFS)
                    .hasMessageContaining("empty")
                    .hasMessageNotContaining("pgvault/alice"); // references are not echoed
        }
        assertThatThrownBy(() -> pgp(A + ",," + B)).hasMessageContaining("element 2 of 3");
    }

    @Test
    void aSpaceInsideAnElementOrARepeatIsRefused() {
        assertThatThrownBy(() -> pgp(A + " " + B))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(EncryptionConfig.RECIPIENT_KEY_REFS)
                .hasMessageContaining("element 1 of 1 contains a space");
        assertThatThrownBy(() -> pgp(A + "," + B + ", " + A))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(EncryptionConfig.RECIPIENT_KEY_REFS)
                .hasMessageContaining("element 3 of 3 repeats element 1");
    }

    @Test
    void pgpWithoutRecipientsIsRefused() {
        for (String refs : new String[] {"", "  "}) {
            assertThatThrownBy(() -> pgp(refs))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(EncryptionConfig.RECIPIENT_KEY_REFS + " is required when");
        }
        assertThatThrownBy(() -> pgp(","))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("element 1 of 2 is empty");
    }

    /** The template's default: openssl with the passphrase secret it generates (a Secrets Manager ARN). */
    @Test
    void opensslWithAGeneratedSecretsArnIsAccepted() {
        String generated = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:EncryptionPassphrase-a1B2c3D4e5F6-XyZ123";
        EncryptionConfig config = EncryptionConfig.from(new Environment(Map.of(EncryptionConfig.MODE, "openssl",
                EncryptionConfig.PASSPHRASE_REF, " " + generated + " ", EncryptionConfig.RECIPIENT_KEY_REFS, "")));
        assertThat(config.mode()).isEqualTo(EncryptionConfig.Mode.OPENSSL);
        assertThat(config.passphraseRef()).isEqualTo(generated);
        assertThat(config.recipientKeyRefs()).isEmpty();
        assertThatThrownBy(() -> EncryptionConfig.from(new Environment(Map.of(EncryptionConfig.MODE, "openssl"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(EncryptionConfig.PASSPHRASE_REF);
    }

    @Test
    void anUnknownModeIsRefusedNamingTheVariable() {
        assertThatThrownBy(() -> EncryptionConfig.from(new Environment(Map.of(EncryptionConfig.MODE, "aes"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(EncryptionConfig.MODE)
                .hasMessageContaining("none, openssl, pgp");
    }
}
