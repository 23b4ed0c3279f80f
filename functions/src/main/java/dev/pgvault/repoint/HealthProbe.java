package dev.pgvault.repoint;

import java.net.URI;
import java.time.Duration;

/** Asks an application whether it is healthy; the answer, not an exception. */
public interface HealthProbe {
    Result check(URI url, Duration timeout);

    record Result(boolean healthy, String detail) {
    }
}
