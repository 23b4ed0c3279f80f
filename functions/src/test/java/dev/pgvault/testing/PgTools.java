package dev.pgvault.testing;

import dev.pgvault.sandbox.ThrowawayPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The real PostgreSQL client tools ({@code psql}, {@code pg_dump}) as independent oracles.
 * Fails with a clear message when the machine has none (install PostgreSQL's client package).
 */
public final class PgTools {
    private final Path bin;
    private final ThrowawayPostgres server;

    private PgTools(Path bin, ThrowawayPostgres server) {
        this.bin = bin;
        this.server = server;
    }

    public static PgTools forServer(ThrowawayPostgres server) {
        Path bin = server.clientBinaries().orElseThrow(() -> new IllegalStateException(
                "these tests need PostgreSQL's psql and pg_dump beside the test server ("
                        + server.description() + " has none); install the postgresql package"));
        return new PgTools(bin, server);
    }

    public record Result(int exitCode, String stdout, String stderr) {}

    /** psql -v ON_ERROR_STOP=1 --single-transaction -f file database */
    public Result psqlFile(String database, Path script) {
        return run(List.of(bin.resolve("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "--single-transaction", "-f", script.toString(), "-d", server.libpqUrl(database)));
    }

    /** psql -v ON_ERROR_STOP=1 -f file database: no --single-transaction, every statement its own transaction. */
    public Result psqlFilePlain(String database, Path script) {
        return run(List.of(bin.resolve("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-f", script.toString(), "-d", server.libpqUrl(database)));
    }

    /** The client tools in {@code bin} against any server (psql speaks to newer servers; pg_dump does not). */
    public static PgTools withBinaries(Path bin, ThrowawayPostgres server) {
        return new PgTools(bin, server);
    }

    /** The machine's own client tools (those of the local test server), if any. */
    public static java.util.Optional<Path> localBinaries() {
        return SharedPostgres.server().clientBinaries();
    }

    public Result psqlCommand(String database, String sql) {
        return run(List.of(bin.resolve("psql").toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-c", sql, "-d", server.libpqUrl(database)));
    }

    /** pg_dump --schema-only, normalized for comparison: no comments, no blank lines, no \restrict keys. */
    public String schema(String database) {
        Result result = run(List.of(bin.resolve("pg_dump").toString(), "--schema-only", "--no-owner",
                "--no-privileges", "-d", server.libpqUrl(database)));
        if (result.exitCode() != 0) {
            throw new IllegalStateException("pg_dump failed: " + result.stderr());
        }
        return normalize(result.stdout());
    }

    /** pg_dump --data-only for the given extra options, raw. */
    public String dump(String database, String... options) {
        List<String> command = new ArrayList<>(List.of(bin.resolve("pg_dump").toString()));
        command.addAll(List.of(options));
        command.addAll(List.of("-d", server.libpqUrl(database)));
        Result result = run(command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("pg_dump failed: " + result.stderr());
        }
        return result.stdout();
    }

    public static String normalize(String dump) {
        return dump.lines()
                .filter(line -> !line.startsWith("--"))
                .filter(line -> !line.startsWith("\\restrict") && !line.startsWith("\\unrestrict"))
                .filter(line -> !line.isBlank())
                .collect(Collectors.joining("\n"));
    }

    public Path bin() {
        return bin;
    }

    public static Result run(List<String> command) {
        try {
            Path out = Files.createTempFile("pgtool", ".out");
            Path err = Files.createTempFile("pgtool", ".err");
            try {
                Process process = new ProcessBuilder(command)
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(300, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(command.get(0) + " timed out");
                }
                return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
