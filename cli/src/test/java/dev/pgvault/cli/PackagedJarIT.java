package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The README's run command, as users run it: the packaged jar under `java -jar`. */
class PackagedJarIT {
    @Test
    void theJarRunsTheDrill() throws Exception {
        Path jar = Path.of(System.getProperty("pgvault.cli.jar", "target/pgvault.jar"));
        assertThat(jar).exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path output = Files.createTempFile("drill", ".out");
        Process process = new ProcessBuilder(List.of(java, "-jar", jar.toString(), "drill", "--users", "200"))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(output);
        assertThat(process.exitValue()).as(printed).isZero();
        assertThat(printed).contains("drill passed");
    }
}
