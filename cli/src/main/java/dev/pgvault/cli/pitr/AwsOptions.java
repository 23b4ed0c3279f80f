package dev.pgvault.cli.pitr;

import java.net.URI;
import picocli.CommandLine.Option;

/** Where the AWS calls go; mixed into each command. */
public final class AwsOptions {
    @Option(names = "--region", paramLabel = "REGION", description = "AWS region (default: the SDK's chain, e.g. AWS_REGION).")
    String region;

    @Option(names = "--profile", paramLabel = "NAME", description = "Profile from ~/.aws/config (default: the SDK's chain).")
    String profile;

    @Option(names = "--endpoint-url", paramLabel = "URL",
            description = "Send AWS calls to this URL instead (LocalStack or another stand-in).")
    URI endpoint;

    PitrClients clients() {
        return SdkClients.of(region, endpoint, profile);
    }
}
