package dev.pgvault.notify;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where notices are published: every subscriber gets every notice. A notice that
 * cannot be delivered is logged and counted, and never changes the run's outcome.
 */
public final class Notices {
    private static final Logger LOG = LoggerFactory.getLogger(Notices.class);

    private final List<Subscriber> subscribers;
    private final BiConsumer<String, Notice> failed;

    /** @param failed told (channel, notice) for each delivery that failed, for the NoticeFailed metric */
    public Notices(List<Subscriber> subscribers, BiConsumer<String, Notice> failed) {
        this.subscribers = List.copyOf(subscribers);
        this.failed = failed;
    }

    public static Notices none() {
        return new Notices(List.of(), (c, n) -> { });
    }

    public List<Subscriber> subscribers() {
        return subscribers;
    }

    /** Delivers {@code notice} to every subscriber; returns the failures, one line each (no secrets). */
    public List<String> publish(Notice notice) {
        List<String> failures = new ArrayList<>();
        for (Subscriber subscriber : subscribers) {
            try {
                subscriber.deliver(notice);
            } catch (Subscriber.DeliveryException e) {
                failures.add(subscriber.channel() + ": " + e.getMessage());
                LOG.error("could not send the {} notice to {}{}: {}", notice.getClass().getSimpleName(),
                        subscriber.channel(), e.configuration() ? " (configuration error, not retried)" : "",
                        e.getMessage());
                count(subscriber.channel(), notice);
            } catch (RuntimeException e) {
                failures.add(subscriber.channel() + ": " + e.getClass().getSimpleName());
                LOG.error("could not send the {} notice to {}: {}", notice.getClass().getSimpleName(),
                        subscriber.channel(), e.getClass().getName());
                count(subscriber.channel(), notice);
            }
        }
        return failures;
    }

    public List<String> publishAll(List<Notice> notices) {
        List<String> failures = new ArrayList<>();
        notices.forEach(n -> failures.addAll(publish(n)));
        return failures;
    }

    private void count(String channel, Notice notice) {
        try {
            failed.accept(channel, notice);
        } catch (RuntimeException ignored) {
            // counting must not fail the run either
        }
    }
}
