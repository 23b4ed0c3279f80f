package dev.pgvault.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Step Functions definitions checked and run on this machine, through Node.js: asl-validator
 * for the definition, aws-local-stepfunctions to execute it with every Task mocked (see
 * {@code functions/src/test/node/}). The pinned npm packages are installed with {@code npm ci}
 * the first time they are missing.
 */
public final class LocalStepFunctions {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.:]+)}");
    private static boolean installed;

    private LocalStepFunctions() {
    }

    /** A definition from statemachines/, with its ${...} placeholders replaced as DefinitionSubstitutions would. */
    public static ObjectNode definition(String file, Map<String, String> substitutions) {
        String text = ProjectFiles.read("statemachines/" + file);
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        List<String> missing = new ArrayList<>();
        while (m.find()) {
            String value = substitutions.get(m.group(1));
            if (value == null) {
                missing.add(m.group(1));
                value = m.group();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(file + " has placeholders without a value: " + missing);
        }
        try {
            return (ObjectNode) JSON.readTree(out.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** asl-validator's verdict on a definition file: {"isValid": ..., "errors": [...]}. */
    public static JsonNode validate(Path definition) {
        return node("validate-asl.mjs", definition.toAbsolutePath().toString());
    }

    /** Runs a scenario (see run-asl.mjs) and returns the report: status, path, calls, output, error, cause. */
    public static JsonNode run(ObjectNode scenario) {
        try {
            Path file = Files.createTempFile("asl-scenario", ".json");
            try {
                Files.writeString(file, scenario.toString());
                return node("run-asl.mjs", file.toString());
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode node(String script, String argument) {
        Path dir = ensureInstalled();
        ProcessResult result = exec(dir, 120, "node", script, argument);
        String last = result.stdout.strip();
        int newline = last.lastIndexOf('\n');
        last = newline >= 0 ? last.substring(newline + 1) : last;
        try {
            return JSON.readTree(last);
        } catch (IOException e) {
            throw new IllegalStateException("node " + script + " printed no JSON report (exit " + result.exit
                    + "):\n" + result.stdout + result.stderr);
        }
    }

    private static synchronized Path ensureInstalled() {
        Path dir = ProjectFiles.path("functions/src/test/node");
        if (installed) {
            return dir;
        }
        for (String tool : List.of("node", "npm")) {
            ProcessResult version;
            try {
                version = exec(dir, 30, tool, "--version");
            } catch (IllegalStateException e) {
                version = null;
            }
            if (version == null || version.exit != 0) {
                throw new IllegalStateException("the Step Functions tests need Node.js 20 or newer with npm on the PATH ("
                        + tool + " was not found); on Debian: apt-get install nodejs npm");
            }
        }
        if (!Files.isDirectory(dir.resolve("node_modules/aws-local-stepfunctions"))
                || !Files.isDirectory(dir.resolve("node_modules/asl-validator"))) {
            ProcessResult ci = exec(dir, 600, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
            if (ci.exit != 0) {
                throw new IllegalStateException("npm ci in " + dir + " failed (exit " + ci.exit + "):\n" + ci.stderr);
            }
        }
        installed = true;
        return dir;
    }

    private record ProcessResult(int exit, String stdout, String stderr) {
    }

    private static ProcessResult exec(Path dir, int timeoutSeconds, String... command) {
        try {
            Path out = Files.createTempFile("node-out", ".txt");
            Path err = Files.createTempFile("node-err", ".txt");
            try {
                Process process = new ProcessBuilder(command).directory(dir.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
                }
                return new ProcessResult(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new IllegalStateException(command[0] + " could not be started: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
