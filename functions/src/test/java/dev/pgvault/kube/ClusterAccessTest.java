package dev.pgvault.kube;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.errors.KubernetesAccessException;
import dev.pgvault.testing.KubeFixtures;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eks.EksClient;

/**
 * Both ways of reaching a cluster, against a Kubernetes API stand-in (plain HTTP, so no CA is
 * needed) and, for EKS, an HTTP stand-in for DescribeCluster.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class ClusterAccessTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    @RegisterExtension
    static WireMockExtension eksApi = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret-key-example"));

    @BeforeAll
    static void aSecretToRead() {
        KubeFixtures.namespace(client, "shop");
        KubeFixtures.secret(client, "shop", "app", Map.of("database-url", "postgresql://a@b/c"));
    }

    @Test
    void eksClusterEndpointFromDescribeClusterAndAnStsBearerToken() throws Exception {
        eksApi.stubFor(get(urlEqualTo("/clusters/prod-eu")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"cluster\": {\"name\": \"prod-eu\", \"status\": \"ACTIVE\", \"endpoint\": \""
                        + apiServer() + "\"}}")));
        var access = new EksAccess(eks(), "prod-eu",
                new EksTokenProvider("prod-eu", Region.EU_WEST_1, CREDENTIALS, Clock.systemUTC()));
        drain();

        try (KubernetesClient connected = access.connect()) {
            assertThat(connected.secrets().inNamespace("shop").withName("app").get()).isNotNull();
        }
        RecordedRequest request = server.takeRequest(1, TimeUnit.SECONDS);
        assertThat(request.getHeader("Authorization")).startsWith("Bearer k8s-aws-v1.");
        assertThat(access.describe()).isEqualTo("EKS cluster prod-eu");
    }

    @Test
    void anUnknownEksClusterIsNamed() {
        eksApi.stubFor(get(urlEqualTo("/clusters/nope")).willReturn(aResponse().withStatus(404)
                .withHeader("Content-Type", "application/json")
                .withHeader("x-amzn-ErrorType", "ResourceNotFoundException")
                .withBody("{\"message\": \"No cluster found for name: nope.\"}")));
        var access = new EksAccess(eks(), "nope", new EksTokenProvider("nope", Region.EU_WEST_1, CREDENTIALS,
                Clock.systemUTC()));
        assertThatThrownBy(access::connect).isInstanceOf(KubernetesAccessException.class)
                .hasMessageContaining("EKS cluster nope does not exist");
    }

    @Test
    void anyClusterFromAKubeconfigInASecret() throws Exception {
        String kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: onprem
                    cluster:
                      server: %s
                users:
                  - name: pgvault
                    user:
                      token: kubeconfig-token-123
                contexts:
                  - name: pgvault@onprem
                    context: {cluster: onprem, user: pgvault}
                current-context: pgvault@onprem
                """.formatted(apiServer());
        drain();
        try (KubernetesClient connected = new SecretConfigAccess("kube/onprem", () -> kubeconfig).connect()) {
            assertThat(connected.secrets().inNamespace("shop").withName("app").get()).isNotNull();
        }
        assertThat(server.takeRequest(1, TimeUnit.SECONDS).getHeader("Authorization"))
                .isEqualTo("Bearer kubeconfig-token-123");
    }

    @Test
    void orAServiceAccountTokenAsJson() throws Exception {
        String json = "{\"server\": \"" + apiServer() + "\", \"token\": \"sa-token-456\"}";
        drain();
        try (KubernetesClient connected = new SecretConfigAccess("kube/onprem", () -> json).connect()) {
            assertThat(connected.secrets().inNamespace("shop").withName("app").get()).isNotNull();
        }
        assertThat(server.takeRequest(1, TimeUnit.SECONDS).getHeader("Authorization")).isEqualTo("Bearer sa-token-456");
    }

    @Test
    void aBrokenAccessSecretIsNamedButNotQuoted() {
        var access = new SecretConfigAccess("arn:aws:secretsmanager:eu-west-1:123456789012:secret:kube",
                () -> "{\"server\": \"https://k8s.example\", \"tokn\": \"sa-token-789\"}");
        assertThatThrownBy(access::connect).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:kube")
                .hasMessageContaining("\"server\" and \"token\"")
                .message().doesNotContain("sa-token-789");
        assertThatThrownBy(new SecretConfigAccess("kube", () -> "{not json sa-token-789")::connect)
                .message().doesNotContain("sa-token-789");
    }

    private static EksClient eks() {
        return EksClient.builder().region(Region.EU_WEST_1).credentialsProvider(CREDENTIALS)
                .endpointOverride(URI.create(eksApi.baseUrl())).httpClient(UrlConnectionHttpClient.create()).build();
    }

    private static String apiServer() {
        String url = server.url("/");
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static void drain() throws InterruptedException {
        while (server.takeRequest(10, TimeUnit.MILLISECONDS) != null) {
            // forget the fixture's requests
        }
    }
}
