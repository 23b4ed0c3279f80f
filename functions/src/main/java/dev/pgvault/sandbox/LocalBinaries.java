package dev.pgvault.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds the machine's PostgreSQL server binaries: PGVAULT_PG_BIN, else the newest Debian/Ubuntu install. */
final class LocalBinaries {
    static final String OVERRIDE_VARIABLE = "PGVAULT_PG_BIN";

    private LocalBinaries() {}

    /** Empty unless the override says "embedded"; then the version asked for ("" for the default). */
    static Optional<String> embeddedRequested() {
        String override = System.getenv(OVERRIDE_VARIABLE);
        if (override == null || !override.startsWith("embedded")) {
            return Optional.empty();
        }
        return Optional.of(override.startsWith("embedded:") ? override.substring("embedded:".length()) : "");
    }

    static Optional<Path> find() {
        String override = System.getenv(OVERRIDE_VARIABLE);
        if (override != null && !override.isBlank()) {
            Path dir = Path.of(override);
            if (!isServerBin(dir)) {
                throw new IllegalStateException(OVERRIDE_VARIABLE + "=" + override
                        + " does not hold initdb, pg_ctl and postgres");
            }
            return Optional.of(dir);
        }
        Path debianRoot = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(debianRoot)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(debianRoot)) {
            return versions
                    .filter(v -> v.getFileName().toString().matches("\\d+"))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"))
                    .filter(LocalBinaries::isServerBin);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean isServerBin(Path dir) {
        return Files.isExecutable(dir.resolve("initdb"))
                && Files.isExecutable(dir.resolve("pg_ctl"))
                && Files.isExecutable(dir.resolve("postgres"));
    }
}
