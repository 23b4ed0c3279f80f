package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.testing.SourceRepositories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pgvault code backup / restore end to end on a local repository reached by file://. */
class CliCodeTest {
    @TempDir
    Path dir;

    @Test
    void backupThenRestoreTheBundleAndTheTarball() throws Exception {
        Path source = SourceRepositories.applicationRepository(dir.resolve("auth-service"));
        Path repo = Files.createDirectory(dir.resolve("repo"));
        String day = LocalDate.now(ZoneOffset.UTC).toString();

        CliRun backup = CliRun.of("code", "backup", "--repo", repo.toString(), "--git-url", source.toUri().toString());
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        assertThat(backup.out()).contains("written " + repo + "/code/auth-service-" + day + ".tar.gz: 5 refs",
                "written " + repo + "/code/auth-service-" + day + ".bundle: 5 refs");

        CliRun clone = CliRun.of("code", "restore", "--repo", repo.toString(), "--backup", "latest", "--to",
                dir.resolve("clone").toString());
        assertThat(clone.exitCode()).as(clone.toString()).isZero();
        assertThat(clone.out()).contains("5 refs, refs/heads/main checked out at");
        assertThat(SourceRepositories.refs(dir.resolve("clone"))).isEqualTo(SourceRepositories.refs(source));

        CliRun files = CliRun.of("code", "restore", "--repo", repo.toString(), "--backup", "latest", "--tarball",
                "--to", dir.resolve("files").toString(), "--json");
        assertThat(files.exitCode()).as(files.toString()).isZero();
        assertThat(files.out()).contains("\"files\":5");
        assertThat(dir.resolve("files/CHANGELOG")).hasContent("third");

        CliRun list = CliRun.of("list", "--repo", repo.toString());
        assertThat(list.exitCode()).as(list.toString()).isZero();
        assertThat(list.out()).contains("0 backups, 0 incomplete", "code/auth-service-" + day + ".bundle  code",
                "5 refs, refs/heads/main at", "2 configuration and code backups in " + repo);
        CliRun onlyConfig = CliRun.of("list", "--repo", repo.toString(), "--type", "config", "--json");
        assertThat(onlyConfig.out()).contains("\"uploads\":[]", "\"backups\":[]");
        CliRun onlyCode = CliRun.of("list", "--repo", repo.toString(), "--type", "code", "--json");
        assertThat(onlyCode.out()).contains("\"type\":\"code\"", "\"refs\":5", "\"head\":\"refs/heads/main\"");
        // A file without its manifest (a run that died) is listed apart, never as a backup.
        Files.writeString(repo.resolve("code/auth-service-2026-01-04.bundle"), "half a bundle");
        CliRun withOrphan = CliRun.of("list", "--repo", repo.toString(), "--type", "code");
        assertThat(withOrphan.out()).contains("Incomplete (interrupted or still running; not backups, never restored):",
                "code/auth-service-2026-01-04.bundle", "2 configuration and code backups in ");
        CliRun badType = CliRun.of("list", "--repo", repo.toString(), "--type", "pictures");
        assertThat(badType.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(badType.err()).contains("unknown backup type 'pictures'; expected one of database, config, code");

        CliRun occupied = CliRun.of("code", "restore", "--repo", repo.toString(), "--backup", "latest", "--to",
                dir.resolve("files").toString());
        assertThat(occupied.exitCode()).isNotZero();
        assertThat(occupied.err()).contains("exists and is not an empty directory");
    }

    @Test
    void anUnreachableRepositoryIsOneLineAndStoresNothing() throws Exception {
        Path repo = Files.createDirectory(dir.resolve("repo"));
        Path token = Files.writeString(dir.resolve("token"), "secret-token-value\n");
        CliRun run = CliRun.of("code", "backup", "--repo", repo.toString(), "--git-url",
                "file:///nonexistent/auth-service.git", "--token-file", token.toString());
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("pgvault: could not fetch the Git repository file:///nonexistent/auth-service.git");
        assertThat(run.out() + run.err()).doesNotContain("secret-token-value");
        try (var stored = Files.list(repo)) {
            assertThat(stored).isEmpty();
        }
    }
}
