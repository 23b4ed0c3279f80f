package dev.pgvault.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * Posts notices to a Slack incoming webhook as Block Kit messages: a header, the verdict and the
 * backup, what was found, and what to do. Failures always; successes only when asked. The webhook
 * URL is the secret (from Secrets Manager or SSM): it is never logged or put in an error.
 */
public final class SlackNotifier implements Subscriber {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DETAILS = 10;

    private final URI webhook;
    private final boolean onSuccess;
    private final HttpDelivery http;

    public SlackNotifier(URI webhook, boolean onSuccess, HttpDelivery http) {
        this.webhook = webhook;
        this.onSuccess = onSuccess;
        this.http = http;
    }

    @Override
    public String channel() {
        return "slack";
    }

    @Override
    public void deliver(Notice notice) throws DeliveryException {
        if (notice instanceof Notice.VerificationSucceeded && !onSuccess) {
            return;
        }
        http.post(channel(), webhook, message(notice).toString());
    }

    /** The Block Kit message; {@code text} is the fallback shown in notifications. */
    static ObjectNode message(Notice notice) {
        ObjectNode message = JSON.createObjectNode();
        message.put("text", notice.summary());
        ArrayNode blocks = message.putArray("blocks");
        switch (notice) {
            case Notice.VerificationFailed failed -> {
                header(blocks, ":rotating_light: Backup verification failed: " + failed.backupName());
                section(blocks, "*" + failed.status() + "*" + (failed.key() == null ? "" : " — `" + failed.key() + "`"));
                StringBuilder found = new StringBuilder();
                failed.details().stream().limit(MAX_DETAILS).forEach(d -> found.append("• ").append(d).append('\n'));
                if (failed.details().size() > MAX_DETAILS) {
                    found.append("• ... ").append(failed.details().size() - MAX_DETAILS).append(" more in the log\n");
                }
                if (!found.isEmpty()) {
                    section(blocks, found.toString().strip());
                }
                section(blocks, failed.newestGood() == null
                        ? "*No backup of " + failed.backupName() + " verified.* A restore from backups is not possible"
                                + " now: take a manual backup and verify it."
                        : "Newest backup that restores: `" + failed.newestGood() + "`, " + hours(failed.rpo())
                                + " old (the data a restore from backups would lose now).");
                context(blocks, "pgvault verification · " + failed.at() + " · checks failed: "
                        + String.join(", ", failed.failed().stream().map(Notice.Check::id).sorted().toList()));
            }
            case Notice.VerificationSucceeded ok -> {
                header(blocks, ":white_check_mark: Backup verified: " + ok.backupName());
                section(blocks, "`" + ok.key() + "` " + (ok.status() == dev.pgvault.verify.VerificationStatus.OK
                        ? "restored and matched its manifest" : "passed an integrity-only check (too large to restore"
                        + " in the function; run `pgvault verify` for the full check)")
                        + (ok.restoreTime() == null ? "" : " in " + seconds(ok.restoreTime()))
                        + ". Newest good backup is " + hours(ok.rpo()) + " old.");
                context(blocks, "pgvault verification · " + ok.at());
            }
            case Notice.VerificationRecovered recovered -> {
                header(blocks, ":large_green_circle: Backup verification recovered: " + recovered.backupName());
                section(blocks, "`" + recovered.key() + "` verified; the previous verification had failed with *"
                        + recovered.previous() + "*.");
                context(blocks, "pgvault verification · " + recovered.at());
            }
        }
        return message;
    }

    private static void header(ArrayNode blocks, String text) {
        ObjectNode header = blocks.addObject();
        header.put("type", "header");
        ObjectNode t = header.putObject("text");
        t.put("type", "plain_text");
        t.put("text", text.length() > 150 ? text.substring(0, 147) + "..." : text);
        t.put("emoji", true);
    }

    private static void section(ArrayNode blocks, String markdown) {
        ObjectNode section = blocks.addObject();
        section.put("type", "section");
        ObjectNode t = section.putObject("text");
        t.put("type", "mrkdwn");
        t.put("text", markdown.length() > 3000 ? markdown.substring(0, 2997) + "..." : markdown);
    }

    private static void context(ArrayNode blocks, String markdown) {
        ObjectNode context = blocks.addObject();
        context.put("type", "context");
        ObjectNode t = context.putArray("elements").addObject();
        t.put("type", "mrkdwn");
        t.put("text", markdown);
    }

    static String hours(Duration d) {
        return d == null ? "unknown" : String.format(Locale.ROOT, "%.1f h", d.toMillis() / 3_600_000.0);
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
