package dev.pgvault.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

class EksTokenProviderTest {
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));

    @Test
    void isAPresignedGetCallerIdentityBoundToTheCluster() {
        var clock = Clock.fixed(Instant.parse("2024-01-01T12:00:00Z"), ZoneOffset.UTC);
        String token = new EksTokenProvider("prod-eu", Region.EU_WEST_1, CREDENTIALS, clock).getToken();

        assertThat(token).startsWith("k8s-aws-v1.").doesNotContain("=").doesNotContain("+").doesNotContain("/");
        URI url = URI.create(new String(Base64.getUrlDecoder().decode(token.substring("k8s-aws-v1.".length())),
                StandardCharsets.UTF_8));
        assertThat(url.getScheme()).isEqualTo("https");
        assertThat(url.getHost()).isEqualTo("sts.eu-west-1.amazonaws.com");
        Map<String, String> query = query(url);
        assertThat(query).containsEntry("Action", "GetCallerIdentity").containsEntry("Version", "2011-06-15")
                .containsEntry("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
                .containsEntry("X-Amz-Expires", "60")
                .containsEntry("X-Amz-SignedHeaders", "host;x-k8s-aws-id");
        assertThat(query.get("X-Amz-Credential")).startsWith("AKIDEXAMPLE/").endsWith("/eu-west-1/sts/aws4_request");
        assertThat(query.get("X-Amz-Signature")).matches("[0-9a-f]{64}");
        assertThat(query).containsEntry("X-Amz-Date", "20240101T120000Z");
        // The secret key itself never travels.
        assertThat(url.toString()).doesNotContain("wJalrXUtnFEMI");

        String otherCluster = new EksTokenProvider("staging", Region.EU_WEST_1, CREDENTIALS, clock).getToken();
        assertThat(query(decode(otherCluster)).get("X-Amz-Signature")).isNotEqualTo(query.get("X-Amz-Signature"));
    }

    @Test
    void isReusedForFiveMinutesThenSignedAgain() {
        var clock = new MutableClock(Instant.parse("2024-01-01T12:00:00Z"));
        var tokens = new EksTokenProvider("prod-eu", Region.EU_WEST_1, CREDENTIALS, clock);
        String first = tokens.getToken();
        clock.now = clock.now.plus(Duration.ofMinutes(4));
        assertThat(tokens.getToken()).isSameAs(first);
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        String second = tokens.getToken();
        assertThat(second).isNotEqualTo(first);
        assertThat(query(decode(second))).containsEntry("X-Amz-Date", "20240101T120600Z");
    }

    @Test
    void usesTheRegionalEndpointOfThePartition() {
        assertThat(EksTokenProvider.stsHost(Region.CN_NORTH_1)).isEqualTo("sts.cn-north-1.amazonaws.com.cn");
        assertThat(EksTokenProvider.stsHost(Region.US_EAST_1)).isEqualTo("sts.us-east-1.amazonaws.com");
    }

    private static URI decode(String token) {
        return URI.create(new String(Base64.getUrlDecoder().decode(token.substring(11)), StandardCharsets.UTF_8));
    }

    private static Map<String, String> query(URI url) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : url.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
