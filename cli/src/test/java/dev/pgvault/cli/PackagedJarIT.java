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
        String printed = drill(null);
        assertThat(printed).contains("drill passed").contains("local ");
    }

    /** A machine without PostgreSQL: the drill brings an embedded server (binaries from Maven). */
    @Test
    void theJarRunsTheDrillOnAnEmbeddedServer() throws Exception {
        String printed = drill("embedded");
        assertThat(printed).contains("drill passed").contains("embedded 17.");
    }

    private static String drill(String pgBin) throws Exception {
        Path jar = Path.of(System.getProperty("pgvault.cli.jar", "target/pgvault.jar"));
        assertThat(jar).exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path output = Files.createTempFile("drill", ".out");
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-jar", jar.toString(), "drill", "--users", "200"))
                .redirectErrorStream(true).redirectOutput(output.toFile());
        if (pgBin != null) {
            builder.environment().put("PGVAULT_PG_BIN", pgBin);
        }
        Process process = builder.start();
        assertThat(process.waitFor(300, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(output);
        assertThat(process.exitValue()).as(printed).isZero();
        return printed;
    }
}
