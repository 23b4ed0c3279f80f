package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged jar run as users run it, {@code java -jar pgvault.jar ...}, with its output kept in files. */
final class JarProcess {
    final Process process;
    private final Path out;
    private final Path err;

    private JarProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /**
     * @param jvmOptions options before -jar (like -Duser.home=...)
     * @param environment added to this process's environment; a null value removes the variable
     */
    static JarProcess start(List<String> jvmOptions, Map<String, String> environment, String... args) throws IOException {
        Path jar = Path.of(System.getProperty("pgvault.cli.jar", "target/pgvault.jar"));
        assertThat(jar).exists();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("pgvault-jar", ".out");
        Path err = Files.createTempFile("pgvault-jar", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        for (String variable : List.of("DATABASE_URL", "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE",
                "PGPASSFILE", "PGSSLMODE", "PGSSLROOTCERT")) {
            builder.environment().remove(variable); // the developer's own settings stay out of the test
        }
        TestConfigHome.into(environment).forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        return new JarProcess(builder.start(), out, err);
    }

    static CliRun run(List<String> jvmOptions, Map<String, String> environment, String... args) throws Exception {
        return start(jvmOptions, environment, args).await(120);
    }

    /** Sends a signal by name ("INT", "TERM"). */
    void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    CliRun await(int seconds) throws Exception {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("pgvault did not end within " + seconds + " s: " + Files.readString(err));
        }
        CliRun run = new CliRun(process.exitValue(), Files.readString(out), Files.readString(err));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return run;
    }
}
