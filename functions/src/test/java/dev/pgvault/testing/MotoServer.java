package dev.pgvault.testing;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * A moto_server process (the AWS emulator from Python's moto) for one test class:
 * {@code @RegisterExtension static final MotoServer MOTO = new MotoServer();}.
 *
 * <p>Where S3Mock only stores them, moto enforces S3's conditional writes and object lock; tests
 * of those run here. It starts {@code moto_server -H 127.0.0.1 -p <free port>}, waits until it
 * answers, and stops it after the class. Without moto_server on the PATH the class FAILS, naming
 * what to install: a test that silently skips would let the conditional writes go unchecked.
 */
public final class MotoServer implements BeforeAllCallback, AfterAllCallback {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** moto_server's own main, with {@code threaded=False}. */
    private static final String SERIAL_SERVER = String.join("\n",
            "import sys",
            "from werkzeug.serving import run_simple",
            "from moto.server import DomainDispatcherApplication, create_backend_app",
            "run_simple(sys.argv[1], int(sys.argv[2]), DomainDispatcherApplication(create_backend_app), threaded=False)");
    private static final AtomicInteger BUCKETS = new AtomicInteger();

    private Process process;
    private Path log;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path executable = find("moto_server").orElseThrow(() -> new IllegalStateException(
                "moto_server is not on the PATH (" + System.getenv("PATH") + "). These S3 tests need it to check"
                        + " conditional writes and do not skip without it: install it with pip install 'moto[server]'"
                        + " (.ci/run does where it is missing)"));
        log = Files.createTempFile("moto-server", ".log");
        port = freePort();
        // moto_server serves requests on many threads, and its conditional writes are not atomic across
        // them (two racing If-None-Match writers both won under load), while S3 guarantees one winner.
        // So the same application is served here one request at a time, by the Python moto_server uses.
        List<String> command = List.of(find("python3").map(Path::toString).orElse("python3"), "-c", SERIAL_SERVER,
                "127.0.0.1", Integer.toString(port));
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        waitUntilAnswering();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            process = null;
        }
        if (log != null) {
            Files.deleteIfExists(log);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** A client builder pointed at this server (path style, any credentials), for tests that add settings. */
    public S3ClientBuilder clientBuilder() {
        return S3Client.builder()
                .endpointOverride(endpoint())
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.create());
    }

    public S3Client client() {
        return clientBuilder().build();
    }

    /** A new empty bucket with a unique name. */
    public String newBucket() {
        String name = "pgvault-moto-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket(name));
        }
        return name;
    }

    private void waitUntilAnswering() throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited with " + process.exitValue()
                        + " before answering on port " + port + "; its output:\n" + output());
            }
            if (answers()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                afterAll(null);
                throw new IllegalStateException("moto_server did not answer on port " + port + " within "
                        + START_TIMEOUT.toSeconds() + " s; its output:\n" + output());
            }
            Thread.sleep(100);
        }
    }

    private boolean answers() {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint().resolve("/moto-api/").toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2_000);
            try {
                return connection.getResponseCode() < 500;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private String output() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(could not read " + log + ": " + e.getMessage() + ")";
        }
    }

    private static Optional<Path> find(String command) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
