package dev.pgvault.testing;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 *
 * <p>Also: buckets created with S3 Object Lock ({@link #newObjectLockBucket()}, which moto
 * enforces on versions), and IAM users whose policies moto enforces once {@link #enforceIam()} is
 * called (for the rest of the class: give such a class its own server). Moto checks a request's
 * action and resource against the user's identity policies (wildcards included), not conditions.
 * Such a class registers {@link #withIam()}: moto 5.2 recomputes a request's signature from a query
 * string it has already decoded, so a signed request whose query holds a "/" (a listing under
 * {@code daily/...}) is refused as SignatureDoesNotMatch; that server starts moto through a small
 * launcher that encodes the query again before the check, as the client did.
 */
public final class MotoServer implements BeforeAllCallback, AfterAllCallback, S3Emulator {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** moto_server's own main, with {@code threaded=False}; arguments: host, port. */
    private static final String SERIAL_SERVER = """
            import sys
            from werkzeug.serving import run_simple
            from moto.server import DomainDispatcherApplication, create_backend_app
            run_simple(sys.argv[1], int(sys.argv[2]), DomainDispatcherApplication(create_backend_app), threaded=False)
            """;
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    /** Re-encodes the query string of signed requests before moto checks the signature (moto mis-checks a "/"). */
    private static final String IAM_PATCH = """
            from urllib.parse import quote, unquote
            import moto.iam.access_control as access_control
            original = access_control.IAMRequestBase.__init__
            def reencoded(self, account_id, method, path, *args, **kwargs):
                if "?" in path:
                    base, _, query = path.partition("?")
                    pairs = []
                    for pair in query.split("&"):
                        key, eq, value = pair.partition("=")
                        pairs.append(quote(unquote(key), safe="-_.~") + eq + quote(unquote(value), safe="-_.~"))
                    path = base + "?" + "&".join(pairs)
                original(self, account_id, method, path, *args, **kwargs)
            access_control.IAMRequestBase.__init__ = reencoded
            """;

    private final boolean iam;
    private Process process;
    private Path log;
    private int port;

    /** A server for S3 tests (conditional writes, Object Lock). */
    public MotoServer() {
        this(false);
    }

    private MotoServer(boolean iam) {
        this.iam = iam;
    }

    /** A server whose tests will {@link #enforceIam()}: started so that moto checks signed listings correctly. */
    public static MotoServer withIam() {
        return new MotoServer(true);
    }

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
        // So the same application is served here one request at a time, by the Python moto_server uses
        // (with IAM, after the signature patch below).
        Path python = executable.resolveSibling("python3");
        Path launcher = Files.createTempFile("moto-serial", ".py");
        launcher.toFile().deleteOnExit();
        Files.writeString(launcher, (iam ? IAM_PATCH : "") + SERIAL_SERVER);
        List<String> command = List.of(Files.isExecutable(python) ? python.toString()
                : find("python3").map(Path::toString).orElse("python3"), launcher.toString(), "127.0.0.1",
                Integer.toString(port));
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

    /** A client builder that signs as {@code user} (see {@link #createUser}). */
    public S3ClientBuilder clientBuilder(User user) {
        return clientBuilder().credentialsProvider(StaticCredentialsProvider.create(
                AwsBasicCredentials.create(user.accessKeyId(), user.secretAccessKey())));
    }

    /** A new empty bucket with a unique name. */
    public String newBucket() {
        String name = uniqueBucketName();
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket(name));
        }
        return name;
    }

    /** A new empty bucket created with S3 Object Lock enabled (and so versioned), without a default retention. */
    public String newObjectLockBucket() {
        String name = uniqueBucketName();
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket(name).objectLockEnabledForBucket(true));
        }
        return name;
    }

    private static String uniqueBucketName() {
        return "pgvault-moto-" + ProcessHandle.current().pid() + "-" + BUCKETS.incrementAndGet();
    }

    /** An IAM user's access key. */
    public record User(String name, String accessKeyId, String secretAccessKey) {}

    /**
     * Creates an IAM user with one inline policy (a JSON policy document) and an access key. Call
     * before {@link #enforceIam()}: the IAM calls themselves are not signed.
     */
    public User createUser(String name, String policyDocument) {
        iam("Action=CreateUser&UserName=" + form(name));
        iam("Action=PutUserPolicy&UserName=" + form(name) + "&PolicyName=" + form(name + "-policy")
                + "&PolicyDocument=" + form(policyDocument));
        String key = iam("Action=CreateAccessKey&UserName=" + form(name));
        return new User(name, element(key, "AccessKeyId"), element(key, "SecretAccessKey"));
    }

    /**
     * From now on moto authenticates every request and allows only what the caller's IAM policies
     * allow; the default "test" credentials stop working (create an administrator first).
     */
    public void enforceIam() {
        String answer = post("/moto-api/reset-auth", "0", Map.of("Content-Type", "text/plain"));
        if (!answer.contains("\"ok\"")) {
            throw new IllegalStateException("moto did not switch IAM enforcement on: " + answer);
        }
    }

    /** An IAM Query API call; moto routes it by the credential scope, and checks no signature before {@link #enforceIam()}. */
    private String iam(String form) {
        return post("/", form + "&Version=2010-05-08", Map.of("Authorization",
                "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
                "Content-Type", "application/x-www-form-urlencoded"));
    }

    private String post(String path, String body, Map<String, String> headers) {
        try {
            HttpURLConnection connection = (HttpURLConnection) endpoint().resolve(path).toURL().openConnection();
            connection.setRequestMethod("POST");
            connection.setDoOutput(true);
            headers.forEach(connection::setRequestProperty);
            connection.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
            int status = connection.getResponseCode();
            try (var in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                String answer = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                if (status >= 300) {
                    throw new IllegalStateException("moto answered " + status + " to " + path + ": " + answer);
                }
                return answer;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String form(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String element(String xml, String name) {
        Matcher m = Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(xml);
        if (!m.find()) {
            throw new IllegalStateException("no <" + name + "> in moto's answer: " + xml);
        }
        return m.group(1);
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
