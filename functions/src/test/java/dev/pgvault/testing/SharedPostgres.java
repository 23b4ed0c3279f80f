package dev.pgvault.testing;

import dev.pgvault.sandbox.ThrowawayPostgres;

/**
 * One PostgreSQL server for the whole test JVM (starting one takes about half a second;
 * one per test would dominate the suite). Tests isolate themselves by database, see
 * {@link TestDatabase}. Stopped by a shutdown hook.
 */
public final class SharedPostgres {
    private static ThrowawayPostgres server;

    private SharedPostgres() {}

    public static synchronized ThrowawayPostgres server() {
        if (server == null) {
            server = ThrowawayPostgres.start();
            ThrowawayPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "stop-test-postgres"));
        }
        return server;
    }
}
