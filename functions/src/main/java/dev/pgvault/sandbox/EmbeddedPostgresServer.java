package dev.pgvault.sandbox;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** A zonky embedded server of a chosen version; its binaries hold only the server (no psql, no pg_dump). */
final class EmbeddedPostgresServer implements ThrowawayPostgres {
    /** The version the drill uses on machines without PostgreSQL. */
    static final String DEFAULT_VERSION = "17.11.0";

    private final EmbeddedPostgres server;
    private final String version;

    private EmbeddedPostgresServer(EmbeddedPostgres server, String version) {
        this.server = server;
        this.version = version;
    }

    static EmbeddedPostgresServer start(String version, Map<String, String> settings) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setPgBinaryResolver((system, hardware) -> EmbeddedBinaries.archive(version, system, hardware))
                    .setServerConfig("fsync", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "100")
                    .setLocaleConfig("locale", "C.UTF-8")
                    .setLocaleConfig("encoding", "UTF8");
            settings.forEach(builder::setServerConfig);
            EmbeddedPostgres server = builder.start();
            return new EmbeddedPostgresServer(server, version);
        } catch (IOException e) {
            throw new IllegalStateException("could not start embedded PostgreSQL " + version + ": " + e.getMessage(), e);
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException("no local PostgreSQL binaries found and the embedded server library "
                    + "is not on the classpath; install PostgreSQL or set " + LocalBinaries.OVERRIDE_VARIABLE, e);
        }
    }

    @Override
    public int port() {
        return server.getPort();
    }

    @Override
    public String superuser() {
        return "postgres";
    }

    @Override
    public String description() {
        return "embedded " + version;
    }

    @Override
    public Optional<Path> clientBinaries() {
        return Optional.empty();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // the process is gone or going; nothing useful to do
        }
    }
}
