package dev.pgvault.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.UploadManifest;
import dev.pgvault.archive.UploadManifestCodec;
import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.archive.crypto.Encryptor;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.archive.crypto.Passphrase;
import dev.pgvault.archive.signing.TrustedKeys;
import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.kube.ConfigApplier;
import dev.pgvault.kube.ConfigApplier.Action;
import dev.pgvault.kube.KubernetesAccess;
import dev.pgvault.kube.ObjectCleaner;
import dev.pgvault.kube.ResourceKind;
import dev.pgvault.repository.ArtifactKey;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.restore.ConfigRestoreService;
import dev.pgvault.run.Cancellation;
import dev.pgvault.testing.ConfigFixtures;
import dev.pgvault.testing.MockClusterAccess;
import dev.pgvault.testing.TestSigning;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The configuration backup against the Kubernetes mock server (CRUD mode): a namespace holding
 * every exported kind goes through the real pipeline into a directory repository, is restored
 * into an empty namespace, and the objects equal the originals but for server-managed fields.
 */
@EnableKubernetesMockClient(crud = true)
class ConfigBackupTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final Instant NOW = Instant.parse("2026-11-24T03:00:00Z");
    private static final Passphrase PASSPHRASE = Passphrase.of("config backup passphrase".toCharArray());
    private static final List<ResourceKind> CUSTOM = List.of(ResourceKind.SEALED_SECRET);

    @TempDir
    Path repository;

    private final KubernetesAccess access = new MockClusterAccess(server);

    private ConfigBackupService service() {
        return new ConfigBackupService(new ArtifactWriter(new DirectoryStore(repository), TestSigning.key(),
                Clock.fixed(NOW, ZoneOffset.UTC), LeaseTimes.DEFAULT), access);
    }

    private ConfigBackupService.Result backUp(String ns, Encryptor encryptor, String keysNamespace) {
        return service().run(new ConfigBackupRequest(List.of(ns), CUSTOM, keysNamespace, encryptor, 6, "test"),
                Cancellation.none());
    }

    private ConfigRestoreService restorer() {
        return new ConfigRestoreService(new DirectoryStore(repository),
                TrustedKeys.of(List.of(TestSigning.key().publicKey())), access);
    }

    @Test
    void aNamespaceRestoresIntoAnEmptyOneEqualButForServerFields() throws IOException {
        ConfigFixtures.shop(client, "shop");
        ConfigFixtures.sealedSecretsKeys(client, "kube-system");

        ConfigBackupService.Result result = backUp("shop", Encryptors.openssl(PASSPHRASE, 100_000), "kube-system");

        assertThat(result.outcomes()).extracting(UploadOutcome::key).containsExactly(
                "config/shop-config-2026-11-24.yaml.gz.enc",
                "config/kube-system-sealed-secrets-keys-2026-11-24.yaml.gz.enc");
        assertThat(result.outcomes()).allMatch(UploadOutcome::written);
        UploadManifest manifest = result.outcomes().get(0).manifest();
        assertThat(manifest.type()).isEqualTo("config");
        assertThat(manifest.objects()).extracting(UploadManifest.KubeObject::describe).containsExactly(
                "Namespace shop", "Role shop/reader", "RoleBinding shop/web-reads", "ServiceAccount shop/web",
                "ConfigMap shop/web-settings", "Secret shop/web-secrets", "PersistentVolumeClaim shop/data",
                "Service shop/web", "CronJob shop/nightly-report", "DaemonSet shop/log-agent", "Deployment shop/web",
                "Job shop/migrate-v14", "StatefulSet shop/cache", "HorizontalPodAutoscaler shop/web",
                "Ingress shop/web", "NetworkPolicy shop/web-only-from-ingress", "SealedSecret shop/payment-keys");
        assertThat(manifest.objects()).allMatch(o -> o.kind().equals("Secret") == (o.sha256() == null));
        // ReplicaSets and Pods are not among the kinds read at all; the CronJob's Job, the token and the CA bundle are skipped.
        assertThat(manifest.leftOut()).anyMatch(l -> l.endsWith("re-made on restore: 1 ConfigMap, 1 Job, 1 Secret"));

        ConfigRestoreService.Report report = restorer().restore("latest", "shop", "shop-copy", false,
                Decryptors.openssl(PASSPHRASE), CUSTOM);
        assertThat(report.results()).extracting(ConfigApplier.ObjectResult::action).containsOnly(Action.CREATED);
        assertThat(report.results()).hasSize(manifest.objects().size());

        List<String> compared = new ArrayList<>();
        for (UploadManifest.KubeObject listed : manifest.objects()) {
            if (listed.kind().equals("Namespace")) {
                continue;
            }
            ResourceKind kind = ResourceKind.find(Stream.concat(ResourceKind.BUILT_IN.stream(), CUSTOM.stream())
                    .toList(), listed.apiVersion(), listed.kind()).orElseThrow();
            Map<String, Object> original = cleaned(get(kind, "shop", listed.name()));
            Map<String, Object> copy = cleaned(get(kind, "shop-copy", listed.name()));
            ConfigApplier.rename(original, "shop", "shop-copy");
            assertThat(copy).as(listed.describe()).isEqualTo(original);
            compared.add(listed.kind());
        }
        assertThat(compared).hasSize(manifest.objects().size() - 1);
        // What the cluster made or allocated did not travel.
        Map<String, Object> service = ConfigFixtures.asMap(client, get(kind("v1", "services", "Service"), "shop-copy", "web"));
        assertThat(((Map<?, ?>) service.get("spec")).containsKey("clusterIP")).isFalse();
        assertThat(client.apps().replicaSets().inNamespace("shop-copy").list().getItems()).isEmpty();
        assertThat(client.pods().inNamespace("shop-copy").list().getItems()).isEmpty();
        assertThat(client.batch().v1().jobs().inNamespace("shop-copy").list().getItems())
                .extracting(j -> j.getMetadata().getName()).containsExactly("migrate-v14");
        assertThat(client.configMaps().inNamespace("shop-copy").withName("kube-root-ca.crt").get()).isNull();
        assertThat(client.secrets().inNamespace("shop-copy").withName("web-secrets").get().getData())
                .isEqualTo(client.secrets().inNamespace("shop").withName("web-secrets").get().getData());

        // The second restore finds everything in place.
        ConfigRestoreService.Report again = restorer().restore("config/shop-config-2026-11-24.yaml.gz.enc", "shop",
                "shop-copy", false, Decryptors.openssl(PASSPHRASE), CUSTOM);
        assertThat(again.results()).extracting(ConfigApplier.ObjectResult::action).containsOnly(Action.UNCHANGED);

        assertNoSecretValueStored();
    }

    @Test
    void sealedSecretsKeysAreAllExportedAndRestorable() {
        ConfigFixtures.sealedSecretsKeys(client, "sealed");
        Map<String, String> before = client.secrets().inNamespace("sealed").withName("sealed-secrets-keyfghij").get()
                .getData();
        ConfigFixtures.shop(client, "keys-app");
        backUp("keys-app", Encryptors.openssl(PASSPHRASE, 100_000), "sealed");
        UploadManifest keys = UploadManifestCodec.decode(read(
                "config/sealed-sealed-secrets-keys-2026-11-24.yaml.gz.enc.manifest.json"), "keys");
        assertThat(keys.objects()).extracting(UploadManifest.KubeObject::name)
                .containsExactly("sealed-secrets-keyabcde", "sealed-secrets-keyfghij");

        client.secrets().inNamespace("sealed").withName("sealed-secrets-keyabcde").delete();
        client.secrets().inNamespace("sealed").withName("sealed-secrets-keyfghij").delete();
        ConfigRestoreService.Report report = new ConfigRestoreService(new DirectoryStore(repository),
                TrustedKeys.of(List.of(TestSigning.key().publicKey())), access)
                .restoreKeys("latest", "sealed", Decryptors.openssl(PASSPHRASE));
        assertThat(report.results()).extracting(ConfigApplier.ObjectResult::action)
                .containsExactly(Action.CREATED, Action.CREATED);
        assertThat(client.secrets().inNamespace("sealed").withName("sealed-secrets-keyfghij").get().getData())
                .isEqualTo(before);
    }

    @Test
    void withoutEncryptionSecretsAndKeysAreLeftOutAndSaidToBe() throws IOException {
        ConfigFixtures.shop(client, "plain");
        ConfigFixtures.sealedSecretsKeys(client, "plain-keys");

        ConfigBackupService.Result result = backUp("plain", Encryptors.none(), "plain-keys");

        assertThat(result.outcomes()).extracting(UploadOutcome::key).containsExactly("config/plain-config-2026-11-24.yaml.gz");
        assertThat(result.warnings()).singleElement().asString().contains("sealed-secrets keys", "not backed up");
        UploadManifest manifest = result.outcomes().get(0).manifest();
        assertThat(manifest.objects()).noneMatch(o -> o.kind().equals("Secret"));
        assertThat(manifest.objects()).anyMatch(o -> o.kind().equals("SealedSecret"));
        assertThat(manifest.leftOut()).anyMatch(l -> l.startsWith("1 Secret(s): encryption is none"));
        assertThat(new String(gunzip(repository.resolve("config/plain-config-2026-11-24.yaml.gz")),
                StandardCharsets.UTF_8)).contains("kind: Deployment").doesNotContain("kind: Secret\n");
        assertNoSecretValueStored();
    }

    @Test
    void aDuplicateRunStandsDownAndAnUnknownNamespaceStoresNothing() {
        ConfigFixtures.shop(client, "twice");
        assertThat(backUp("twice", Encryptors.none(), null).outcomes()).allMatch(UploadOutcome::written);
        assertThat(backUp("twice", Encryptors.none(), null).outcomes()).extracting(UploadOutcome::status)
                .containsExactly(BackupOutcome.Status.ALREADY_COMPLETE);

        assertThatThrownBy(() -> backUp("no-such-namespace", Encryptors.none(), null))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("namespace no-such-namespace does not exist");
        assertThat(repository.resolve("config").toFile().list()).noneMatch(name -> name.contains("no-such-namespace"));
    }

    @Test
    void aDryRunShowsTheDifferenceAndChangesNothing() {
        ConfigFixtures.shop(client, "dry");
        backUp("dry", Encryptors.openssl(PASSPHRASE, 100_000), null);
        restorer().restore("latest", "dry", "dry-copy", false, Decryptors.openssl(PASSPHRASE), CUSTOM);
        client.configMaps().inNamespace("dry-copy").withName("web-settings")
                .edit(cm -> { cm.getData().put("LOG_LEVEL", "debug"); cm.getData().put("EXTRA", "kept"); return cm; });
        client.secrets().inNamespace("dry-copy").withName("web-secrets")
                .edit(s -> { s.getData().put("password", ConfigFixtures.b64("changed-pw")); return s; });

        ConfigRestoreService.Report dry = restorer().restore("latest", "dry", "dry-copy", true,
                Decryptors.openssl(PASSPHRASE), CUSTOM);

        assertThat(dry.count(Action.UPDATED)).isEqualTo(2);
        ConfigApplier.ObjectResult configMap = dry.results().stream()
                .filter(r -> r.kind().equals("ConfigMap")).findFirst().orElseThrow();
        assertThat(configMap.diff()).containsExactly("data.LOG_LEVEL: \"debug\" -> \"info\"");
        ConfigApplier.ObjectResult secret = dry.results().stream()
                .filter(r -> r.kind().equals("Secret")).findFirst().orElseThrow();
        assertThat(String.join("\n", secret.diff())).contains("data.password").doesNotContain("changed-pw",
                ConfigFixtures.b64("changed-pw"), ConfigFixtures.SECRET_VALUES.get(0));
        assertThat(client.configMaps().inNamespace("dry-copy").withName("web-settings").get().getData())
                .containsEntry("LOG_LEVEL", "debug");

        ConfigRestoreService.Report real = restorer().restore("latest", "dry", "dry-copy", false,
                Decryptors.openssl(PASSPHRASE), CUSTOM);
        assertThat(real.count(Action.UPDATED)).isEqualTo(2);
        assertThat(client.configMaps().inNamespace("dry-copy").withName("web-settings").get().getData())
                .containsEntry("LOG_LEVEL", "info").containsEntry("EXTRA", "kept");
    }

    private void assertNoSecretValueStored() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(repository)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            for (String value : ConfigFixtures.SECRET_VALUES) {
                assertThat(bytes).as(file.toString()).doesNotContain(value, ConfigFixtures.b64(value));
            }
        }
    }

    private byte[] read(String key) {
        try {
            return Files.readAllBytes(repository.resolve(key));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] gunzip(Path file) throws IOException {
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(file))) {
            return in.readAllBytes();
        }
    }

    private static ResourceKind kind(String apiVersion, String plural, String kind) {
        return ResourceKind.find(ResourceKind.BUILT_IN, apiVersion, kind).orElseThrow();
    }

    private static GenericKubernetesResource get(ResourceKind kind, String ns, String name) {
        GenericKubernetesResource found = client.genericKubernetesResources(ConfigFixtures.context(kind.apiVersion(),
                kind.plural(), kind.kind(), true)).inNamespace(ns).withName(name).get();
        assertThat(found).as(kind.kind() + " " + ns + "/" + name).isNotNull();
        return found;
    }

    private static Map<String, Object> cleaned(GenericKubernetesResource resource) {
        Map<String, Object> map = new java.util.LinkedHashMap<>(ConfigFixtures.asMap(client, resource));
        ObjectCleaner.clean(map);
        return map;
    }
}
