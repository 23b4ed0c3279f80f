package dev.pgvault.testing;

import dev.pgvault.archive.signing.LocalSigningKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One manifest signing key for the test run, in a temporary directory (as the CLI keeps one per machine). */
public final class TestSigning {
    private static LocalSigningKey key;

    private TestSigning() {}

    /** Trusts the test key only; unsigned backups are refused. */
    public static dev.pgvault.verify.ManifestTrust trust() {
        return new dev.pgvault.verify.ManifestTrust(
                dev.pgvault.archive.signing.TrustedKeys.of(java.util.List.of(key().publicKey())), false, m -> { });
    }

    public static synchronized LocalSigningKey key() {
        if (key == null) {
            try {
                Path directory = Files.createTempDirectory("pgvault-test-signing").resolve("signing");
                key = LocalSigningKey.loadOrCreate(directory, () -> { });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return key;
    }
}
