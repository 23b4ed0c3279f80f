package dev.pgvault.archive.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The manifest's "encryption" object: one JSON object, "mode" first, read back to the same record. */
class EncryptionParametersJsonTest {
    private final ObjectMapper json = new ObjectMapper();

    private EncryptionParameters roundTrip(EncryptionParameters parameters) throws Exception {
        String text = json.writeValueAsString(parameters);
        JsonNode tree = json.readTree(text);
        assertThat(tree.get("mode").asText()).isEqualTo(parameters.mode());
        assertThat(text.indexOf("\"mode\"")).isEqualTo(text.lastIndexOf("\"mode\""));
        return json.readValue(text, EncryptionParameters.class);
    }

    @Test
    void allModesRoundTrip() throws Exception {
        var none = new NoEncryptionParameters();
        var openssl = OpensslParameters.recorded(600_000, "0011223344556677", "ab".repeat(32), "cd".repeat(32), 12345);
        var pgp = PgpParameters.recorded(List.of(new PgpParameters.PgpRecipient("0123456789ABCDEF",
                "AAAA0123456789ABCDEF", "BBBB0123456789ABCDEF", "Ops <ops@example.org>")), 999);

        assertThat(roundTrip(none)).isEqualTo(none);
        assertThat(roundTrip(openssl)).isEqualTo(openssl);
        assertThat(roundTrip(pgp)).isEqualTo(pgp);
        assertThat(json.writeValueAsString(none)).isEqualTo("{\"mode\":\"none\"}");
    }

    @Test
    void unrecordedFieldsAreLeftOut() throws Exception {
        assertThat(json.writeValueAsString(OpensslParameters.unrecorded(10_000)))
                .isEqualTo("{\"mode\":\"openssl\",\"cipher\":\"aes-256-cbc\",\"kdf\":\"pbkdf2-hmac-sha256\",\"iterations\":10000}");
    }

    @Test
    void aManifestNamingSomethingElseIsRefusedClearly() {
        String unknownCipher = "{\"mode\":\"openssl\",\"cipher\":\"aes-128-cbc\",\"kdf\":\"pbkdf2-hmac-sha256\",\"iterations\":1000}";
        assertThatThrownBy(() -> json.readValue(unknownCipher, EncryptionParameters.class))
                .isInstanceOf(ValueInstantiationException.class).hasMessageContaining("aes-128-cbc");
        String absurdIterations = "{\"mode\":\"openssl\",\"cipher\":\"aes-256-cbc\",\"kdf\":\"pbkdf2-hmac-sha256\",\"iterations\":2000000000}";
        assertThatThrownBy(() -> json.readValue(absurdIterations, EncryptionParameters.class))
                .hasMessageContaining("iterations");
    }
}
