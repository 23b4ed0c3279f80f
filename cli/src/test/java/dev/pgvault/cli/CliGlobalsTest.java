package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.sandbox.SampleDatabase;
import dev.pgvault.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.util.HexFormat;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backup --globals}: the roles script beside the backup, encrypted like it (real openssl
 * opens it with the same passphrase), recorded in the signed manifest, and runnable by psql.
 */
class CliGlobalsTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    @TempDir
    Path files;

    private final String app = "gl_app_" + UUID.randomUUID().toString().replace("-", "").substring(0, 6);

    @AfterEach
    void dropRole() {
        db.execute("DROP OWNED BY " + app);
        db.execute("postgres", "DROP ROLE IF EXISTS " + app);
    }

    @Test
    void theRolesScriptIsStoredEncryptedBesideTheBackupAndOpensWithOpenssl() throws Exception {
        try (Connection c = db.connect()) {
            SampleDatabase.load(c, 20);
        }
        db.execute("postgres", "CREATE ROLE " + app + " LOGIN PASSWORD 'never-in-a-backup'");
        db.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + app);
        Path passphrase = Files.writeString(files.resolve("backup.key"), "a long enough passphrase for the test\n");

        CliRun backup = CliRun.of("backup", "--database-url", db.libpqUrl(), "--repo", repo.toString(),
                "--keep-owners-and-privileges", "--globals", "--encryption", "openssl",
                "--passphrase-file", passphrase.toString(), "--iterations", "100000", "--json");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        assertThat(backup.err()).contains("roles the database needs: ").contains(".globals.sql");
        JsonNode doc = new ObjectMapper().readTree(backup.out());
        String key = doc.get("key").asText();
        Path globals = repo.resolve(key + ".globals.sql");
        assertThat(globals).exists();
        byte[] stored = Files.readAllBytes(globals);
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).startsWith("Salted__").doesNotContain(app);

        JsonNode manifest = new ObjectMapper().readTree(repo.resolve(key + ".manifest.json").toFile());
        assertThat(manifest.get("globals").get("sha256").asText())
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(stored)));
        assertThat(manifest.get("globals").get("roles").asInt()).isGreaterThanOrEqualTo(1);

        Path script = files.resolve("globals.sql");
        Process openssl = new ProcessBuilder("openssl", "enc", "-d", "-aes-256-cbc", "-pbkdf2", "-iter", "100000",
                "-md", "sha256", "-pass", "file:" + passphrase, "-in", globals.toString(), "-out", script.toString())
                .redirectErrorStream(true).start();
        String said = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor()).as(said).isZero();
        String sql = Files.readString(script);
        assertThat(sql).contains("CREATE ROLE \"" + app + "\" WITH").doesNotContain("never-in-a-backup");

        // Runs to its end by psql, even where every role already exists.
        Process psql = new ProcessBuilder(Stream.concat(Stream.of("psql", "-X", "-v", "ON_ERROR_STOP=1", "-f",
                script.toString()), Stream.of(db.server().libpqUrl("postgres"))).toList())
                .redirectErrorStream(true).start();
        String psqlSaid = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(psql.waitFor()).as(psqlSaid).isZero();
        assertThat(psqlSaid).contains("exists where this runs: kept as it is");

        // list shows one backup: the roles script is a sidecar, never a backup or an incomplete run.
        CliRun list = CliRun.of("list", "--repo", repo.toString());
        assertThat(list.out()).contains("1 backup").doesNotContain("incomplete:").doesNotContain(".globals.sql");
        assertThat(list.exitCode()).isZero();
    }
}
