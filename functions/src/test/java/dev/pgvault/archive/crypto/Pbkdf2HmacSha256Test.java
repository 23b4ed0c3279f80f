package dev.pgvault.archive.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.junit.jupiter.api.Test;

class Pbkdf2HmacSha256Test {
    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The PBKDF2-HMAC-SHA256 test vectors of RFC 7914, section 11. */
    @Test
    void matchesRfc7914Vectors() {
        assertThat(HexFormat.of().formatHex(Pbkdf2HmacSha256.derive(ascii("passwd"), ascii("salt"), 1, 64))).isEqualTo(
                "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                        + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
        assertThat(HexFormat.of().formatHex(Pbkdf2HmacSha256.derive(ascii("Password"), ascii("NaCl"), 80000, 64))).isEqualTo(
                "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                        + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
    }

    @Test
    void agreesWithTheJdkOnTextPasswordsAndOddLengths() throws Exception {
        for (int length : new int[] {1, 31, 32, 33, 48, 80}) {
            byte[] jdk = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec("pässword".toCharArray(), ascii("saltsalt"), 777, length * 8)).getEncoded();
            assertThat(Pbkdf2HmacSha256.derive("pässword".getBytes(StandardCharsets.UTF_8), ascii("saltsalt"), 777, length))
                    .isEqualTo(jdk);
        }
    }
}
