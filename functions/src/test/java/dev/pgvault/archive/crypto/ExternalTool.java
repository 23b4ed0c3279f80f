package dev.pgvault.archive.crypto;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real command-line tools the tests use as oracles. A missing tool fails the test with a
 * message saying what to install: these tests must never pass by not running.
 */
final class ExternalTool {
    private ExternalTool() {
    }

    record Result(int exitCode, String stdout, String stderr) {
        Result requireSuccess(List<String> command) {
            if (exitCode != 0) {
                fail("`" + String.join(" ", command) + "` exited with " + exitCode + ":\n" + stderr);
            }
            return this;
        }
    }

    static void require(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        fail(tool + " is needed by this test (it is the independent oracle) and is not on PATH; "
                + "install it (apt-get install " + ("gpg".equals(tool) ? "gnupg" : tool) + "; .ci/run does this)");
    }

    /** Runs {@code command}; stdin from {@code input} (or nothing), stdout to {@code output} (or captured). */
    static Result run(List<String> command, Map<String, String> environment, Path input, Path output) {
        require(command.get(0));
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command));
        builder.environment().putAll(environment);
        builder.redirectInput(input == null ? ProcessBuilder.Redirect.from(new File("/dev/null")) : ProcessBuilder.Redirect.from(input.toFile()));
        Path captured = null;
        try {
            Path errors = Files.createTempFile("tool-stderr", ".txt");
            if (output != null) {
                builder.redirectOutput(output.toFile());
            } else {
                captured = Files.createTempFile("tool-stdout", ".txt");
                builder.redirectOutput(captured.toFile());
            }
            builder.redirectError(errors.toFile());
            Process process = builder.start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail("`" + String.join(" ", command) + "` did not finish in 5 minutes");
            }
            String stdout = captured == null ? "" : Files.readString(captured, StandardCharsets.ISO_8859_1);
            String stderr = Files.readString(errors, StandardCharsets.ISO_8859_1);
            Files.deleteIfExists(errors);
            if (captured != null) {
                Files.deleteIfExists(captured);
            }
            return new Result(process.exitValue(), stdout, stderr);
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    static Result runOrFail(List<String> command, Map<String, String> environment, Path input, Path output) {
        return run(command, environment, input, output).requireSuccess(command);
    }
}
