package dev.pgvault.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.testing.FakeDeploymentController;
import dev.pgvault.testing.KubeFixtures;
import dev.pgvault.testing.TestDatabase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** pgvault restore --in-place against the fabric8 Kubernetes mock server and a real PostgreSQL. */
@EnableKubernetesMockClient(crud = true)
class CliInPlaceRestoreTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path dir;

    private Path repo;

    @BeforeAll
    static void application() {
        KubeFixtures.namespace(client, "shopping-app");
        KubeFixtures.deployment(client, "shopping-app", "auth-service", 3);
        KubeFixtures.secret(client, "shopping-app", "auth-service-secrets",
                Map.of("database-url", "postgresql://app@db.example.com:5432/app"));
    }

    @BeforeEach
    void backUpThenWriteMore() throws Exception {
        client.apps().deployments().inNamespace("shopping-app").withName("auth-service").scale(3);
        repo = Files.createDirectory(dir.resolve("repo"));
        db.execute("CREATE TABLE users (id int PRIMARY KEY); INSERT INTO users SELECT generate_series(1, 30);");
        CliRun backup = CliRun.of("backup", "--database-url", db.libpqUrl(), "--repo", repo.toString());
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        db.execute("INSERT INTO users SELECT generate_series(100, 104)");
    }

    @AfterEach
    void dropWhatWasSetAside() {
        try (var c = db.server().connect("postgres"); var st = c.createStatement();
             var rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + db.name() + "\\_%'")) {
            java.util.List<String> names = new java.util.ArrayList<>();
            while (rs.next()) {
                names.add(rs.getString(1));
            }
            for (String name : names) {
                db.execute("postgres", "DROP DATABASE \"" + name + "\" WITH (FORCE)");
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private int replicas() {
        return client.apps().deployments().inNamespace("shopping-app").withName("auth-service").get().getSpec()
                .getReplicas();
    }

    @Test
    void theDatabaseKeepsItsNameTheOldOneIsKeptAsideAndTheReplicasComeBack() throws Exception {
        CliRun restore;
        try (var controller = new FakeDeploymentController(server.createClient(), "shopping-app", "auth-service")) {
            restore = CliRun.of("restore", "--repo", repo.toString(), "--backup", "latest", "--database-url",
                    db.libpqUrl(), "--in-place", "--namespace", "shopping-app", "--deployment", "auth-service",
                    "--kubernetes-api", server.url("/"));
        }

        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(restore.out()).contains("restored daily/auth-db-backup-").contains("in place into " + db.name())
                .contains("(3 replicas)").contains("kept as " + db.name() + "_pre_restore_");
        assertThat(replicas()).isEqualTo(3);
        assertThat(db.queryLong(db.name(), "SELECT count(*) FROM users")).isEqualTo(30);
    }

    @Test
    void aMigrationJobThatNeverFinishesUndoesTheRestore() throws Exception {
        Path job = Files.writeString(dir.resolve("migrate.yaml"), """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: auth-service-migrate}
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: migrate, image: example/auth-service:1, command: [npx, prisma, migrate, deploy]}]
                """);
        CliRun restore = CliRun.of("restore", "--repo", repo.toString(), "--backup", "latest", "--database-url",
                db.libpqUrl(), "--in-place", "--namespace", "shopping-app", "--deployment", "auth-service",
                "--secret", "auth-service-secrets", "--migrate-job", job.toString(), "--rollout-timeout", "2",
                "--kubernetes-api", server.url("/"));

        assertThat(restore.exitCode()).as(restore.toString()).isEqualTo(ExitCodes.FAILED);
        assertThat(restore.err()).contains("did not finish in 2 s").contains(db.name() + " is the original database again")
                .contains("scaled back to 3 replicas");
        assertThat(replicas()).isEqualTo(3);
        assertThat(db.queryLong(db.name(), "SELECT count(*) FROM users")).as("the original, with its late rows")
                .isEqualTo(35);
    }

    @Test
    void inPlaceNeedsTheApplication() {
        CliRun run = CliRun.of("restore", "--repo", repo.toString(), "--backup", "latest", "--database-url",
                db.libpqUrl(), "--in-place");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("--in-place needs --namespace and --deployment");
        assertThat(db.queryLong(db.name(), "SELECT count(*) FROM users")).isEqualTo(35);
    }
}
