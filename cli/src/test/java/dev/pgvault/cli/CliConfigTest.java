package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.testing.ConfigFixtures;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pgvault config backup / restore end to end, against the Kubernetes mock server reached through a kubeconfig. */
@EnableKubernetesMockClient(crud = true)
class CliConfigTest {
    static KubernetesClient client;

    @TempDir
    Path dir;
    private Path repo;
    private Path kubeconfig;
    private Path passphrase;
    private Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        repo = Files.createDirectory(dir.resolve("repo"));
        passphrase = Files.writeString(dir.resolve("pass"), "cli config passphrase\n");
        kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster: {server: "%s", insecure-skip-tls-verify: true}
                users:
                - name: tester
                  user: {token: not-a-real-token}
                contexts:
                - name: mock
                  context: {cluster: mock, user: tester}
                current-context: mock
                """.formatted(client.getConfiguration().getMasterUrl()));
        env = Map.of("KUBECONFIG", kubeconfig.toString());
    }

    @Test
    void backupThenRestoreIntoAnotherNamespaceThenUnchanged() {
        ConfigFixtures.shop(client, "cli-shop");
        ConfigFixtures.sealedSecretsKeys(client, "cli-keys");
        String day = LocalDate.now(ZoneOffset.UTC).toString();

        CliRun backup = CliRun.withEnv(env, "config", "backup", "--repo", repo.toString(), "--namespace", "cli-shop",
                "--sealed-secrets-namespace", "cli-keys", "--encryption", "openssl", "--passphrase-file",
                passphrase.toString(), "--iterations", "100000");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        assertThat(backup.out()).contains("written " + repo + "/config/cli-shop-config-" + day + ".yaml.gz.enc: 17 objects",
                "written " + repo + "/config/cli-keys-sealed-secrets-keys-" + day + ".yaml.gz.enc: 2 objects");

        CliRun again = CliRun.withEnv(env, "config", "backup", "--repo", repo.toString(), "--namespace", "cli-shop",
                "--no-sealed-secrets-keys", "--encryption", "openssl", "--passphrase-file", passphrase.toString());
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("already complete: ");

        CliRun restore = CliRun.withEnv(env, "config", "restore", "--repo", repo.toString(), "--backup", "latest",
                "--namespace", "cli-shop", "--to-namespace", "cli-copy", "--passphrase-file", passphrase.toString());
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.out()).contains("Deployment cli-copy/web", "created",
                "into namespace cli-copy: 17 created, 0 updated, 0 unchanged, 0 failed");
        assertThat(client.apps().deployments().inNamespace("cli-copy").withName("web").get()).isNotNull();

        client.configMaps().inNamespace("cli-copy").withName("web-settings")
                .edit(cm -> { cm.getData().put("LOG_LEVEL", "debug"); return cm; });
        CliRun dry = CliRun.withEnv(env, "config", "restore", "--repo", repo.toString(), "--backup", "latest",
                "--namespace", "cli-shop", "--to-namespace", "cli-copy", "--dry-run", "--passphrase-file",
                passphrase.toString(), "--json");
        assertThat(dry.exitCode()).as(dry.toString()).isZero();
        assertThat(dry.out()).contains("\"action\":\"updated\"", "data.LOG_LEVEL: \\\"debug\\\" -> \\\"info\\\"");
        assertThat(client.configMaps().inNamespace("cli-copy").withName("web-settings").get().getData())
                .containsEntry("LOG_LEVEL", "debug");

        CliRun apply = CliRun.withEnv(env, "config", "restore", "--repo", repo.toString(), "--backup", "latest",
                "--namespace", "cli-shop", "--to-namespace", "cli-copy", "--passphrase-file", passphrase.toString());
        assertThat(apply.out()).contains("0 created, 1 updated, 16 unchanged, 0 failed");
        CliRun second = CliRun.withEnv(env, "config", "restore", "--repo", repo.toString(), "--backup", "latest",
                "--namespace", "cli-shop", "--to-namespace", "cli-copy", "--passphrase-file", passphrase.toString());
        assertThat(second.out()).contains("0 created, 0 updated, 17 unchanged, 0 failed");
    }

    @Test
    void badInputIsOneClearErrorAndStoresNothing() {
        CliRun missing = CliRun.withEnv(env, "config", "backup", "--repo", repo.toString(), "--namespace", "absent",
                "--no-sealed-secrets-keys");
        assertThat(missing.exitCode()).as(missing.toString()).isNotZero();
        assertThat(missing.err()).contains("namespace absent does not exist");
        assertThat(repo.resolve("config")).satisfiesAnyOf(p -> assertThat(p).doesNotExist(),
                p -> assertThat(p.toFile().list()).noneMatch(n -> n.contains("absent-config")));

        CliRun latest = CliRun.withEnv(env, "config", "restore", "--repo", repo.toString(), "--backup", "latest");
        assertThat(latest.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(latest.err()).contains("--backup latest needs --namespace");

        CliRun noKubeconfig = CliRun.withEnv(Map.of("KUBECONFIG", dir.resolve("nope").toString()), "config", "backup",
                "--repo", repo.toString(), "--namespace", "x");
        assertThat(noKubeconfig.exitCode()).isNotZero();
        assertThat(noKubeconfig.err()).contains("no kubeconfig at " + dir.resolve("nope"));
    }
}
