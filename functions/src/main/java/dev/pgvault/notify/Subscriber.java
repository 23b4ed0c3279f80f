package dev.pgvault.notify;

/** Somewhere notices go. Delivery failures are thrown; {@link Notices} logs and counts them. */
public interface Subscriber {
    /** A short channel name for logs and the NoticeFailed metric: "slack", "pagerduty", "sns". */
    String channel();

    /** Sends what this channel says about {@code notice}; a channel may ignore notices it has nothing to say about. */
    void deliver(Notice notice) throws DeliveryException;

    /** A notice could not be delivered; the message names the channel and the answer, never a secret. */
    final class DeliveryException extends Exception {
        private final boolean configuration;

        public DeliveryException(String message, boolean configuration) {
            super(message);
            this.configuration = configuration;
        }

        /** Whether the channel's configuration is wrong (a 4xx answer: bad webhook, bad routing key). */
        public boolean configuration() {
            return configuration;
        }
    }
}
