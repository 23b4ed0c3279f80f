package dev.pgvault.cli.pitr;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Real SDK clients, built when first needed: region, credentials and endpoint from the options,
 * else the SDK's usual chain (AWS_REGION, AWS_PROFILE, ~/.aws/config, instance roles).
 */
public final class SdkClients implements PitrClients {
    private final Region region;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private RdsClient rds;
    private SfnClient sfn;

    /**
     * @param region      null for the SDK's default region chain
     * @param endpoint    null for the real AWS endpoints; a URL for a stand-in (LocalStack, tests)
     * @param credentials null for the default chain
     */
    public SdkClients(Region region, URI endpoint, AwsCredentialsProvider credentials) {
        this.region = region;
        this.endpoint = endpoint;
        this.credentials = credentials;
    }

    public static SdkClients of(String region, URI endpoint, String profile) {
        return new SdkClients(region == null ? null : Region.of(region), endpoint,
                profile == null ? null : ProfileCredentialsProvider.create(profile));
    }

    @Override
    public synchronized RdsClient rds() {
        if (rds == null) {
            rds = configure(RdsClient.builder()).httpClient(UrlConnectionHttpClient.create()).build();
        }
        return rds;
    }

    @Override
    public synchronized SfnClient sfn() {
        if (sfn == null) {
            sfn = configure(SfnClient.builder()).httpClient(UrlConnectionHttpClient.create()).build();
        }
        return sfn;
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
        if (region != null) {
            builder.region(region);
        }
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        builder.credentialsProvider(credentials != null ? credentials : DefaultCredentialsProvider.builder().build());
        return builder;
    }
}
