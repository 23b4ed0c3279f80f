package dev.pgvault.config;

import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What pgvault's TLS code saw during one connection attempt: the driver builds
 * {@link PgvaultSslFactory} by reflection from the connection properties, so the attempt is
 * matched to it by a random token in those properties. Open only while
 * {@link DatabaseTarget#connect()} runs.
 */
final class TlsHandshakes {
    static final String TOKEN_PROPERTY = "pgvault.tls.attempt";

    /** Written by the handshake thread, read after the driver returned or failed. */
    static final class Attempt {
        volatile boolean factoryUsed;
        volatile String protocol;
        volatile String cipherSuite;
        volatile X509Certificate serverCertificate;
        volatile boolean chainVerified;
        volatile boolean hostVerified;
    }

    private static final Map<String, Attempt> OPEN = new ConcurrentHashMap<>();

    private TlsHandshakes() {}

    static String open() {
        String token = UUID.randomUUID().toString();
        OPEN.put(token, new Attempt());
        return token;
    }

    /** The attempt for a token, or null (no token, or the attempt is closed). */
    static Attempt find(String token) {
        return token == null ? null : OPEN.get(token);
    }

    static Attempt close(String token) {
        return OPEN.remove(token);
    }
}
