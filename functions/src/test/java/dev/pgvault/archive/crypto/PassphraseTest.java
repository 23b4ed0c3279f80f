package dev.pgvault.archive.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.errors.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** First-line semantics of {@code openssl -pass file:}; the openssl oracle for them is in {@link OpensslModeTest}. */
class PassphraseTest {
    @TempDir
    Path dir;

    private Passphrase fromFile(byte[] content) throws IOException {
        Path file = dir.resolve("key");
        Files.write(file, content);
        return Passphrase.fromFile(file);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void firstLineOnlyWithoutItsNewline() throws IOException {
        assertThat(fromFile(ascii("secret\nsecond line\n")).bytes()).isEqualTo(ascii("secret"));
        assertThat(fromFile(ascii("secret")).bytes()).isEqualTo(ascii("secret"));
    }

    @Test
    void carriageReturnAndSpacesAreKeptAsOpensslKeepsThem() throws IOException {
        Passphrase windows = fromFile(ascii(" secret \r\n"));
        assertThat(windows.bytes()).isEqualTo(ascii(" secret \r"));
        assertThat(windows.endsWithCarriageReturn()).isTrue();
    }

    @Test
    void secretTextFollowsTheSameRuleInUtf8() {
        assertThat(Passphrase.fromSecretText("pässword\nrest", "ssm:/p").bytes())
                .isEqualTo("pässword".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void typedPassphraseIsUtf8AndWhole() {
        assertThat(Passphrase.of("pässword ".toCharArray()).bytes()).isEqualTo("pässword ".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> Passphrase.of("two\nlines".toCharArray())).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void refusesWhatOpensslWouldReadDifferently() throws IOException {
        assertThatThrownBy(() -> fromFile(ascii("\nsecret on line two\n")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> fromFile(new byte[0]))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> fromFile(ascii("sec\0ret\n")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("NUL");
        assertThat(fromFile(ascii("x".repeat(1023) + "\n")).bytes()).hasSize(1023);
        assertThatThrownBy(() -> fromFile(ascii("x".repeat(1024) + "\n")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("1023");
        assertThatThrownBy(() -> Passphrase.fromFile(dir.resolve("missing")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("does not exist");
    }

    @Test
    void neverPrintsItself() {
        assertThat(Passphrase.of("hunter2".toCharArray())).hasToString("Passphrase[redacted]");
    }
}
