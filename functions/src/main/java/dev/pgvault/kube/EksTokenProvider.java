package dev.pgvault.kube;

import io.fabric8.kubernetes.client.OAuthTokenProvider;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.regions.Region;

/**
 * Bearer tokens for an EKS cluster, made the way {@code aws eks get-token} makes them: an STS
 * GetCallerIdentity request, presigned with the function's own credentials and bound to the
 * cluster by the signed {@code x-k8s-aws-id} header, base64url-encoded behind
 * {@code k8s-aws-v1.}. The cluster's authenticator replays it to STS to learn who we are; the
 * token never reaches STS from here, so no network call and no IAM permission is needed.
 *
 * <p>EKS accepts a token for 15 minutes from its signing time; the Kubernetes client asks for
 * one on every request, and we sign afresh once the cached one is five minutes old.
 */
public final class EksTokenProvider implements OAuthTokenProvider {
    static final String PREFIX = "k8s-aws-v1.";
    private static final Duration REUSE_FOR = Duration.ofMinutes(5);

    private final String clusterName;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final Clock clock;
    private String token;
    private Instant signedAt;

    public EksTokenProvider(String clusterName, Region region, AwsCredentialsProvider credentials, Clock clock) {
        this.clusterName = clusterName;
        this.region = region;
        this.credentials = credentials;
        this.clock = clock;
    }

    @Override
    public synchronized String getToken() {
        Instant now = clock.instant();
        if (token == null || Duration.between(signedAt, now).compareTo(REUSE_FOR) >= 0) {
            token = sign();
            signedAt = now;
        }
        return token;
    }

    private String sign() {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.GET)
                .protocol("https")
                .host(stsHost(region))
                .encodedPath("/")
                .putRawQueryParameter("Action", "GetCallerIdentity")
                .putRawQueryParameter("Version", "2011-06-15")
                .putHeader("x-k8s-aws-id", clusterName)
                .build();
        var signed = AwsV4HttpSigner.create().sign(r -> r
                .identity(credentials.resolveCredentials())
                .request(request)
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "sts")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region.id())
                .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
                .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, Duration.ofSeconds(60))
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        String url = signed.request().getUri().toString();
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(url.getBytes(StandardCharsets.UTF_8));
    }

    /** The regional STS endpoint (EKS rejects tokens signed for the global one in opt-in regions). */
    static String stsHost(Region region) {
        String suffix = region.metadata() != null ? region.metadata().partition().dnsSuffix() : "amazonaws.com";
        return "sts." + region.id() + "." + suffix;
    }

    @Override
    public String toString() {
        return "EksTokenProvider[cluster=" + clusterName + ", region=" + region + "]";
    }
}
