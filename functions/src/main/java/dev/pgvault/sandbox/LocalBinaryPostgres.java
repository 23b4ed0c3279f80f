package dev.pgvault.sandbox;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A cluster made with the machine's {@code initdb} in a temp directory and run by {@code pg_ctl}.
 * {@code initdb} refuses to run as root, so as root the cluster belongs to the {@code postgres}
 * user and the tools run through {@code runuser}.
 */
final class LocalBinaryPostgres implements ThrowawayPostgres {
    private static final String SUPERUSER = "postgres";
    /** The superuser comes in without a password; every other role must give its own, as on RDS. */
    private static final String HBA = """
            local all all trust
            host all postgres 127.0.0.1/32 trust
            host all postgres ::1/128 trust
            host all all 127.0.0.1/32 scram-sha-256
            host all all ::1/128 scram-sha-256
            """;

    private final Path bin;
    private final Path root;
    private final int port;

    private LocalBinaryPostgres(Path bin, Path root, int port) {
        this.bin = bin;
        this.root = root;
        this.port = port;
    }

    static LocalBinaryPostgres start(Path bin, Map<String, String> settings) {
        Path root = null;
        try {
            root = Files.createTempDirectory("pgvault-pg-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            boolean asRoot = isRoot();
            if (asRoot) {
                run(List.of("chown", "postgres:postgres", root.toString()), false, root);
            }
            run(List.of(bin.resolve("initdb").toString(), "-D", root.resolve("data").toString(),
                    "-U", SUPERUSER, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"), asRoot, root);
            Files.writeString(root.resolve("data/pg_hba.conf"), HBA);
            IOException lastFailure = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                int port = freePort();
                try {
                    run(List.of(bin.resolve("pg_ctl").toString(), "-D", root.resolve("data").toString(),
                            "-l", root.resolve("server.log").toString(), "-w", "-t", "60",
                            "-o", "-p " + port + " -k " + root + " -c listen_addresses=127.0.0.1"
                                    + " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
                                    + " -c max_connections=100" + extra(settings),
                            "start"), asRoot, root);
                    return new LocalBinaryPostgres(bin, root, port);
                } catch (IOException e) {
                    lastFailure = e; // most likely the port was taken between probe and bind
                }
            }
            throw lastFailure;
        } catch (IOException e) {
            ThrowawayPostgres.deleteRecursively(root);
            throw new IllegalStateException("could not start PostgreSQL from " + bin + ": " + e.getMessage(), e);
        }
    }

    private static String extra(Map<String, String> settings) {
        StringBuilder flags = new StringBuilder();
        settings.forEach((name, value) -> {
            // pg_ctl passes -o through a shell: no spaces, quotes or other characters it would interpret
            // (a path, such as a library to preload, is fine).
            if (!name.matches("[a-z_.]+") || !value.matches("[A-Za-z0-9_./-]+")) {
                throw new IllegalArgumentException("unexpected server setting " + name + "=" + value);
            }
            flags.append(" -c ").append(name).append('=').append(value);
        });
        return flags.toString();
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String superuser() {
        return SUPERUSER;
    }

    @Override
    public String description() {
        return "local " + bin;
    }

    @Override
    public Optional<Path> clientBinaries() {
        return Files.isExecutable(bin.resolve("psql")) ? Optional.of(bin) : Optional.empty();
    }

    @Override
    public void close() {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", root.resolve("data").toString(),
                    "-m", "immediate", "-w", "stop"), isRoot(), root);
        } catch (IOException ignored) {
            // the server may already be gone; the directory is removed either way
        } finally {
            ThrowawayPostgres.deleteRecursively(root);
        }
    }

    private static void run(List<String> command, boolean asPostgresUser, Path workDir) throws IOException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process process = new ProcessBuilder(full).directory(workDir.toFile()).redirectErrorStream(true).start();
        try {
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + new String(output).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running " + command.get(0), e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
