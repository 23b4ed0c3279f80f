package dev.pgvault.config;

import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The AWS clients a function uses, built once per container on the one lightweight HTTP
 * client (URLConnection) for a short cold start. Region and credentials come from the Lambda
 * environment. Tests build their own, pointed at local servers.
 */
public record AwsClients(S3Client s3, SecretsManagerClient secretsManager, SsmClient ssm, KmsClient kms) {

    public static AwsClients fromEnvironment() {
        SdkHttpClient http = UrlConnectionHttpClient.create();
        return new AwsClients(
                dev.pgvault.repository.S3Retries.configure(S3Client.builder().httpClient(http)).build(),
                SecretsManagerClient.builder().httpClient(http).build(),
                SsmClient.builder().httpClient(http).build(),
                KmsClient.builder().httpClient(http).build());
    }

    public SecretResolver secretResolver() {
        return new SecretResolver(secretsManager, ssm);
    }
}
