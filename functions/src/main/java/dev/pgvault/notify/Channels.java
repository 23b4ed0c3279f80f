package dev.pgvault.notify;

import dev.pgvault.config.SecretResolver;
import dev.pgvault.config.VerificationConfig;
import dev.pgvault.errors.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import software.amazon.awssdk.services.sns.SnsClient;

/** Builds the subscribers a deployment configured, reading their secrets by reference. */
public final class Channels {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Channels.class);

    private Channels() {}

    /**
     * @param sns        the SNS client, or null when no topic is configured
     * @param pagerDuty  the Events API endpoint (the EU service region has its own)
     * @param source     what PagerDuty shows as the alert's source when none is configured
     */
    public static Notices from(VerificationConfig config, SecretResolver secrets, SnsClient sns, HttpDelivery http,
                               URI pagerDuty, String source, BiConsumer<String, Notice> failed) {
        List<Subscriber> subscribers = new ArrayList<>();
        if (config.slackWebhookSecret() != null) {
            add(subscribers, "slack", failed, () -> new SlackNotifier(webhook(secrets.resolve(config.slackWebhookSecret()),
                    config.slackWebhookSecret()), config.slackOnSuccess(), http));
        }
        if (config.pagerDutyRoutingKeySecret() != null) {
            add(subscribers, "pagerduty", failed, () -> new PagerDutyNotifier(
                    routingKey(secrets.resolve(config.pagerDutyRoutingKeySecret())), pagerDuty,
                    config.pagerDutySource() != null ? config.pagerDutySource() : source, http));
        }
        if (config.noticeTopic() != null && sns != null) {
            subscribers.add(new SnsNotifier(sns, config.noticeTopic()));
        }
        return new Notices(subscribers, failed);
    }

    /**
     * A channel whose secret cannot be read is left out, logged and counted (with a null notice):
     * the others still get their notices, and the verification's result stands.
     */
    private static void add(List<Subscriber> subscribers, String channel, BiConsumer<String, Notice> failed,
                            java.util.function.Supplier<Subscriber> build) {
        try {
            subscribers.add(build.get());
        } catch (RuntimeException e) {
            LOG.error("{} notices are off for this run: {}", channel, e.getMessage());
            try {
                failed.accept(channel, null);
            } catch (RuntimeException ignored) {
                // counting must not fail the run
            }
        }
    }

    /** The webhook URL from its secret: the bare URL, or JSON with a "url" or "webhook_url" field. */
    static URI webhook(String secret, String reference) {
        String value = secret.strip();
        if (value.startsWith("{")) {
            try {
                var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(value);
                value = json.hasNonNull("url") ? json.get("url").asText() : json.path("webhook_url").asText("");
            } catch (java.io.IOException e) {
                throw new ConfigurationException("secret " + reference + " is neither a URL nor valid JSON");
            }
        }
        try {
            URI uri = new URI(value);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                throw new ConfigurationException("secret " + reference + " does not hold an https:// webhook URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigurationException("secret " + reference + " does not hold a valid webhook URL");
        }
    }

    /** The routing key: the bare 32-character key, or JSON with "routing_key" / "integration_key". */
    static String routingKey(String secret) {
        String value = secret.strip();
        if (value.startsWith("{")) {
            try {
                var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(value);
                return json.hasNonNull("routing_key") ? json.get("routing_key").asText()
                        : json.path("integration_key").asText("");
            } catch (java.io.IOException e) {
                throw new ConfigurationException("the PagerDuty secret is neither a key nor valid JSON");
            }
        }
        return value;
    }
}
