package dev.pgvault.notify;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Posts a JSON document to a webhook-like endpoint with the retry rules both Slack and PagerDuty
 * ask for: 2xx is done; 429 waits as {@code Retry-After} says (capped) and tries again; 5xx and
 * network errors try again after a growing pause; any other 4xx is a configuration error (a
 * revoked webhook, a bad routing key), reported at once and not retried. Messages name the
 * channel and the HTTP status, never the URL (a Slack webhook URL is itself the secret).
 */
public final class HttpDelivery {
    /** Waits between attempts; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;

        Sleeper REAL = duration -> Thread.sleep(duration.toMillis());
    }

    private final HttpClient client;
    private final Sleeper sleeper;
    private final int attempts;
    private final Duration maxWait;

    public HttpDelivery(HttpClient client, Sleeper sleeper, int attempts, Duration maxWait) {
        this.client = client;
        this.sleeper = sleeper;
        this.attempts = attempts;
        this.maxWait = maxWait;
    }

    /** Three attempts, waits of at most 30 s, 10 s timeouts. */
    public static HttpDelivery standard() {
        return new HttpDelivery(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build(), Sleeper.REAL, 3,
                Duration.ofSeconds(30));
    }

    public HttpDelivery withSleeper(Sleeper other) {
        return new HttpDelivery(client, other, attempts, maxWait);
    }

    /** POSTs {@code json} to {@code uri}; returns the answer's body once accepted. */
    public String post(String channel, URI uri, String json) throws Subscriber.DeliveryException {
        String lastProblem = "no attempt";
        for (int attempt = 1; attempt <= attempts; attempt++) {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)).build();
            Duration wait;
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return response.body();
                }
                lastProblem = channel + " answered HTTP " + status + brief(response.body());
                if (status == 429) {
                    wait = retryAfter(response).orElse(backoff(attempt));
                } else if (status >= 500) {
                    wait = backoff(attempt);
                } else {
                    throw new Subscriber.DeliveryException(lastProblem + "; check the " + channel
                            + " configuration (its secret)", true);
                }
            } catch (IOException e) {
                lastProblem = channel + " could not be reached: " + e.getClass().getSimpleName();
                wait = backoff(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Subscriber.DeliveryException(channel + ": interrupted", false);
            }
            if (attempt < attempts) {
                try {
                    sleeper.sleep(wait.compareTo(maxWait) > 0 ? maxWait : wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new Subscriber.DeliveryException(channel + ": interrupted", false);
                }
            }
        }
        throw new Subscriber.DeliveryException(lastProblem + " (after " + attempts + " attempts)", false);
    }

    private static Duration backoff(int attempt) {
        return Duration.ofSeconds(1L << (attempt - 1));
    }

    /** Retry-After as seconds or an HTTP date. */
    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        String value = header.get().strip();
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(ZonedDateTime.now(when.getZone()), when);
                return Optional.of(d.isNegative() ? Duration.ZERO : d);
            } catch (DateTimeParseException unreadable) {
                return Optional.empty();
            }
        }
    }

    /** The start of an error answer (Slack says "invalid_token", PagerDuty names the bad field); never the URL. */
    private static String brief(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String line = body.strip().lines().findFirst().orElse("");
        return ": " + (line.length() > 200 ? line.substring(0, 200) + "..." : line);
    }
}
