package dev.pgvault.repoint;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * GETs a health URL until it answers 2xx or the time is up. Pods that just started may need a
 * few seconds after the rollout counts them available, so one failed answer is not the verdict.
 */
public final class HttpHealthProbe implements HealthProbe {
    private final HttpClient http;
    private final Duration interval;

    public HttpHealthProbe() {
        this(Duration.ofSeconds(3));
    }

    public HttpHealthProbe(Duration interval) {
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.interval = interval;
    }

    @Override
    public Result check(URI url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer yet";
        int attempts = 0;
        do {
            attempts++;
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() / 100 == 2) {
                    return new Result(true, "HTTP " + response.statusCode() + " after " + attempts + " attempt(s)");
                }
                last = "HTTP " + response.statusCode();
            } catch (IOException e) {
                last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(false, "interrupted");
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                Thread.sleep(Duration.ofNanos(Math.min(left, interval.toNanos())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Result(false, "interrupted");
            }
        } while (System.nanoTime() < deadline);
        return new Result(false, "not healthy within " + timeout.toSeconds() + " s (" + attempts
                + " attempt(s), last: " + last + ")");
    }
}
