package dev.pgvault.backup;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.pgvault.archive.UploadManifest;
import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.archive.crypto.Encryptor;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.archive.crypto.Passphrase;
import dev.pgvault.archive.signing.TrustedKeys;
import dev.pgvault.code.GitSource;
import dev.pgvault.errors.SourceUnavailableException;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.restore.CodeRestoreService;
import dev.pgvault.run.Cancellation;
import dev.pgvault.testing.SourceRepositories;
import dev.pgvault.testing.TestSigning;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The source-code backup of a repository made by JGit, reached by file:// (and an HTTP server
 * that refuses the token): the bundle restores the same refs and commits, the tarball holds what
 * real {@code git archive HEAD} holds, a failed fetch stores nothing and never shows the token.
 */
class CodeBackupTest {
    private static final Instant NOW = Instant.parse("2026-11-29T04:00:00Z");
    private static final Passphrase PASSPHRASE = Passphrase.of("code backup passphrase".toCharArray());

    @TempDir
    Path dir;
    private Path source;
    private Path repository;

    @BeforeEach
    void setUp() throws Exception {
        source = SourceRepositories.applicationRepository(dir.resolve("auth-service"));
        repository = Files.createDirectory(dir.resolve("repo"));
    }

    private List<UploadOutcome> backUp(GitSource git, Encryptor encryptor) {
        ArtifactWriter writer = new ArtifactWriter(new DirectoryStore(repository), TestSigning.key(),
                Clock.fixed(NOW, ZoneOffset.UTC), LeaseTimes.DEFAULT);
        return new CodeBackupService(writer).run(new CodeBackupRequest(git, "auth-service", encryptor, 6, "test",
                Files.exists(dir.resolve("scratch")) ? dir.resolve("scratch") : mkdir(dir.resolve("scratch"))),
                Cancellation.none());
    }

    private CodeRestoreService restorer() {
        return new CodeRestoreService(new DirectoryStore(repository), TrustedKeys.of(List.of(TestSigning.key().publicKey())));
    }

    @Test
    void theBundleRestoresEveryRefAndCommit() throws Exception {
        List<UploadOutcome> outcomes = backUp(new GitSource(source.toUri().toString(), null, null),
                Encryptors.openssl(PASSPHRASE, 100_000));

        assertThat(outcomes).extracting(UploadOutcome::key).containsExactly("code/auth-service-2026-11-29.tar.gz.enc",
                "code/auth-service-2026-11-29.bundle.enc");
        assertThat(outcomes).allMatch(UploadOutcome::written);
        UploadManifest manifest = outcomes.get(1).manifest();
        assertThat(manifest.type()).isEqualTo("code");
        Map<String, String> sourceRefs = SourceRepositories.refs(source);
        assertThat(sourceRefs).containsKeys("refs/heads/main", "refs/heads/feature/login", "refs/tags/v0",
                "refs/tags/v1.0", "refs/tags/tried-once");
        assertThat(manifest.refs()).extracting(UploadManifest.GitRef::name).containsExactlyElementsOf(sourceRefs.keySet());
        assertThat(manifest.head()).isEqualTo(new UploadManifest.GitRef("refs/heads/main", sourceRefs.get("refs/heads/main")));

        Path restored = dir.resolve("restored");
        CodeRestoreService.Report report = restorer().restore("latest", null, false, restored,
                Decryptors.openssl(PASSPHRASE));

        assertThat(report.key()).isEqualTo("code/auth-service-2026-11-29.bundle.enc");
        assertThat(SourceRepositories.refs(restored)).isEqualTo(sourceRefs);
        // Real git agrees: the history of every ref is there and intact, and main is checked out.
        assertThat(git(restored, "fsck", "--full", "--strict")).isEmpty();
        assertThat(git(restored, "rev-list", "--all", "--count").strip())
                .isEqualTo(git(source, "rev-list", "--all", "--count").strip());
        assertThat(git(restored, "rev-parse", "HEAD").strip()).isEqualTo(sourceRefs.get("refs/heads/main"));
        assertThat(git(restored, "status", "--porcelain")).isEmpty();
        assertThat(Files.readString(restored.resolve("CHANGELOG"))).isEqualTo("third\n");
        assertThat(git(restored, "remote", "get-url", "origin").strip()).isEqualTo(source.toUri().toString());

        // A second delivery the same day finds both and fetches nothing.
        assertThat(backUp(new GitSource("file:///nonexistent/repository", null, null), Encryptors.openssl(PASSPHRASE, 100_000)))
                .extracting(UploadOutcome::status).containsOnly(BackupOutcome.Status.ALREADY_COMPLETE);
    }

    @Test
    void theTarballHoldsWhatGitArchiveHolds() throws Exception {
        backUp(new GitSource(source.toUri().toString(), null, null), Encryptors.none());

        byte[] ours = gunzip(Files.readAllBytes(repository.resolve("code/auth-service-2026-11-29.tar.gz")));
        byte[] git = run(source, "git", "archive", "--format=tar", "HEAD");
        assertThat(entries(ours)).isEqualTo(entries(git));
        assertThat(entries(ours)).anyMatch(e -> e.startsWith("scripts/deploy.sh 775"))
                .anyMatch(e -> e.startsWith("docs-link 777 -> src/main/java"))
                .anyMatch(e -> e.contains("file-past-the-100-byte-limit.txt"));
        // git's own reader finds the commit id in our global header.
        Path tar = Files.write(dir.resolve("ours.tar"), ours);
        assertThat(runWithInput(source, Files.readAllBytes(tar), "git", "get-tar-commit-id").strip())
                .isEqualTo(SourceRepositories.refs(source).get("refs/heads/main"));

        Path unpacked = dir.resolve("unpacked");
        CodeRestoreService.Report report = restorer().restore("code/auth-service-2026-11-29.tar.gz", null, true,
                unpacked, Decryptors.none());
        assertThat(report.files()).isEqualTo(5); // the symbolic link is not a file
        assertThat(Files.isExecutable(unpacked.resolve("scripts/deploy.sh"))).isTrue();
        assertThat(Files.readString(unpacked.resolve("src/main/java/App.java"))).contains("version = 2");
        assertThat(Files.isSymbolicLink(unpacked.resolve("docs-link"))).isTrue();
        assertThat(unpacked.resolve("EXPERIMENT")).doesNotExist();
    }

    @Test
    void anUnreachableUrlOrAWrongTokenIsOneClearErrorAndStoresNothing() throws Exception {
        assertThatThrownBy(() -> backUp(new GitSource("file:///nonexistent/repository.git", null, null), Encryptors.none()))
                .isInstanceOf(SourceUnavailableException.class)
                .hasMessageStartingWith("could not fetch the Git repository file:///nonexistent/repository.git: ")
                .hasMessageEndingWith("nothing was stored");

        WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort());
        server.start();
        try {
            server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(401)
                    .withHeader("WWW-Authenticate", "Basic realm=\"git\"")));
            String token = "ghp_wrongtoken1234567890";
            String url = "http://localhost:" + server.port() + "/acme/auth-service.git";
            assertThatThrownBy(() -> backUp(new GitSource(url, null, token.toCharArray()), Encryptors.none()))
                    .isInstanceOf(SourceUnavailableException.class)
                    .hasMessageContaining("could not fetch the Git repository " + url)
                    .hasMessageContaining("not authorized")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(token));
            // The token was offered (as the password of x-access-token), so it is the token that was refused.
            String basic = "Basic " + Base64.getEncoder().encodeToString(("x-access-token:" + token)
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(server.findAll(anyRequestedFor(anyUrl()))).anyMatch(r -> basic.equals(r.getHeader("Authorization")));
        } finally {
            server.stop();
        }
        try (var files = Files.list(repository)) {
            assertThat(files).isEmpty();
        }
        try (var scratch = Files.list(dir.resolve("scratch"))) {
            assertThat(scratch).as("fetched copies are removed").isEmpty();
        }
    }

    @Test
    void urlsWithCredentialsOrOtherSchemesAreRefused() {
        assertThatThrownBy(() -> new GitSource("https://user:pw@example.com/a.git", null, null))
                .hasMessageContaining("holds credentials").satisfies(e -> assertThat(e.getMessage()).doesNotContain("pw@"));
        assertThatThrownBy(() -> new GitSource("ssh://example.com/a.git", null, null)).hasMessageContaining("'ssh'");
        assertThat(new GitSource("https://github.com/acme/auth-service.git", null, null).defaultName())
                .isEqualTo("auth-service");
    }

    /** "path mode [-> link] size sha256 mtime uid/gid uname/gname" per entry, pax global header as its comment. */
    private static List<String> entries(byte[] tar) throws IOException {
        List<String> entries = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.isGlobalPaxHeader()) {
                    entries.add("global comment=" + e.getExtraPaxHeader("comment"));
                    continue;
                }
                byte[] content = in.readAllBytes();
                entries.add(e.getName() + " " + Integer.toOctalString(e.getMode())
                        + (e.isSymbolicLink() ? " -> " + e.getLinkName() : "") + " " + e.getSize() + " "
                        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)) + " "
                        + e.getModTime().toInstant() + " " + e.getLongUserId() + "/" + e.getLongGroupId() + " "
                        + e.getUserName() + "/" + e.getGroupName());
            }
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new IllegalStateException(ex);
        }
        return entries;
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    private static String git(Path repo, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        return new String(run(repo, command.toArray(String[]::new)), StandardCharsets.UTF_8);
    }

    private static byte[] run(Path cwd, String... command) throws Exception {
        return runWithInput(cwd, null, command).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String runWithInput(Path cwd, byte[] input, String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(cwd.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        if (input != null) {
            process.getOutputStream().write(input);
        }
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(String.join(" ", command)).isZero();
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    private static Path mkdir(Path path) {
        try {
            return Files.createDirectories(path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
