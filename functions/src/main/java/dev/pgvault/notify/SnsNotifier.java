package dev.pgvault.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Publishes notices to an SNS topic for whatever else is subscribed (e-mail, a chat bridge, a
 * ticketing system): the subject is the summary, the message a JSON document of the notice.
 */
public final class SnsNotifier implements Subscriber {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(
            new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

    private final SnsClient sns;
    private final String topicArn;

    public SnsNotifier(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    @Override
    public String channel() {
        return "sns";
    }

    @Override
    public void deliver(Notice notice) throws DeliveryException {
        ObjectNode message = JSON.valueToTree(notice);
        message.put("notice", notice.getClass().getSimpleName());
        message.put("summary", notice.summary());
        String subject = notice.summary();
        try {
            sns.publish(b -> b.topicArn(topicArn).subject(subject.length() > 100 ? subject.substring(0, 97) + "..."
                    : subject).message(message.toString()));
        } catch (SdkException e) {
            throw new DeliveryException("SNS refused the notice: " + e.getMessage(), false);
        }
    }
}
