package dev.pgvault.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One XDG_CONFIG_HOME for the tests' CLI runs (where the manifest signing key lives), so that
 * they never touch the developer's own ~/.config/pgvault. A test may give its own.
 */
final class TestConfigHome {
    private static Path directory;

    private TestConfigHome() {}

    static synchronized Path directory() {
        if (directory == null) {
            try {
                directory = Files.createTempDirectory("pgvault-test-config");
                // The machine's signing key exists already, as after a first backup: tests that count
                // stderr lines do not see its one-time "created" notice, whichever test runs first.
                dev.pgvault.archive.signing.LocalSigningKey.loadOrCreate(
                        dev.pgvault.archive.signing.LocalSigningKey.defaultDirectory(
                                java.util.Map.of("XDG_CONFIG_HOME", directory.toString())), () -> { });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return directory;
    }

    static Map<String, String> into(Map<String, String> environment) {
        if (environment.containsKey("XDG_CONFIG_HOME")) {
            return environment;
        }
        Map<String, String> with = new HashMap<>(environment);
        with.put("XDG_CONFIG_HOME", directory().toString());
        return with;
    }
}
