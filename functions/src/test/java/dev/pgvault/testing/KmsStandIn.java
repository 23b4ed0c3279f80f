package dev.pgvault.testing;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * AWS KMS's JSON protocol for one asymmetric signing key (GetPublicKey, Sign), served over
 * HTTP. moto's KMS hashes a message sent as {@code MessageType DIGEST} once more, unlike KMS,
 * so its signatures do not verify as real ones do; this stand-in signs as KMS documents:
 * a DIGEST is signed as the hash itself.
 */
public final class KmsStandIn implements AutoCloseable {
    public static final String KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/0b3c1d2e-signing";

    private final KeyPair keys;
    private final WireMockServer server;

    public KmsStandIn() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            keys = generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        server = new WireMockServer(wireMockConfig().dynamicPort().extensions(new Signer()));
        server.start();
    }

    public PublicKey publicKey() {
        return keys.getPublic();
    }

    public KmsClient client() {
        return KmsClient.builder().endpointOverride(URI.create(server.baseUrl())).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    /** How many Sign calls were made. */
    public int signCalls() {
        return (int) server.getAllServeEvents().stream()
                .filter(e -> "TrentService.Sign".equals(e.getRequest().getHeader("X-Amz-Target"))).count();
    }

    @Override
    public void close() {
        server.stop();
    }

    private final class Signer implements ResponseDefinitionTransformerV2 {
        private final ObjectMapper json = new ObjectMapper();

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            try {
                String target = event.getRequest().getHeader("X-Amz-Target");
                JsonNode body = json.readTree(event.getRequest().getBodyAsString());
                Map<String, Object> answer;
                if ("TrentService.GetPublicKey".equals(target)) {
                    answer = Map.of("KeyId", KEY_ARN, "KeySpec", "ECC_NIST_P256", "KeyUsage", "SIGN_VERIFY",
                            "PublicKey", Base64.getEncoder().encodeToString(keys.getPublic().getEncoded()),
                            "SigningAlgorithms", java.util.List.of("ECDSA_SHA_256"));
                } else if ("TrentService.Sign".equals(target)) {
                    boolean digest = "DIGEST".equals(body.path("MessageType").asText("RAW"));
                    Signature signer = Signature.getInstance(digest ? "NONEwithECDSA" : "SHA256withECDSA");
                    signer.initSign(keys.getPrivate());
                    signer.update(Base64.getDecoder().decode(body.get("Message").asText()));
                    answer = Map.of("KeyId", KEY_ARN, "SigningAlgorithm", "ECDSA_SHA_256",
                            "Signature", Base64.getEncoder().encodeToString(signer.sign()));
                } else {
                    return new ResponseDefinitionBuilder().withStatus(400)
                            .withHeader("Content-Type", "application/x-amz-json-1.1")
                            .withBody("{\"__type\":\"UnsupportedOperationException\"}").build();
                }
                return new ResponseDefinitionBuilder().withStatus(200)
                        .withHeader("Content-Type", "application/x-amz-json-1.1")
                        .withBody(json.writeValueAsString(answer)).build();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String getName() {
            return "kms-signer";
        }

        @Override
        public boolean applyGlobally() {
            return true;
        }
    }
}
