package dev.pgvault.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.archive.crypto.Encryptors;
import dev.pgvault.backup.BackupRequest;
import dev.pgvault.backup.BackupService;
import dev.pgvault.dump.DumpOptions;
import dev.pgvault.dump.DumpProgress;
import dev.pgvault.erasure.ErasureLedger;
import dev.pgvault.errors.RestoreFailedException;
import dev.pgvault.metrics.BackupMetrics;
import dev.pgvault.repoint.ApplicationRef;
import dev.pgvault.repository.BackupKind;
import dev.pgvault.repository.DirectoryStore;
import dev.pgvault.testing.FakeDeploymentController;
import dev.pgvault.testing.KubeFixtures;
import dev.pgvault.testing.TestDatabase;
import dev.pgvault.testing.TestSigning;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-place restore against the fabric8 Kubernetes mock server and a real PostgreSQL: the
 * deployment is scaled to 0 and back, the live database renamed aside (never dropped), the restored
 * one under its name; on an injected failure the original database and the replica count are back.
 */
@EnableKubernetesMockClient(crud = true)
class InPlaceRestoreTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path repo;

    private final Clock clock = Clock.fixed(Instant.parse("2026-11-25T09:00:00Z"), ZoneOffset.UTC);
    private final ApplicationRef app = new ApplicationRef("shopping-app", "auth-service-secrets", null, "auth-service");
    private DirectoryStore store;
    private String key;

    @BeforeAll
    static void application() {
        KubeFixtures.namespace(client, "shopping-app");
        KubeFixtures.deployment(client, "shopping-app", "auth-service", 3);
    }

    @BeforeEach
    void backUpThenWriteMore() {
        client.apps().deployments().inNamespace("shopping-app").withName("auth-service").scale(3);
        store = new DirectoryStore(repo);
        db.execute("""
                CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL);
                INSERT INTO users SELECT g, 'user' || g || '@example.org' FROM generate_series(1, 40) g;
                INSERT INTO users VALUES (41, 'erin.erased@example.org');
                """);
        key = new BackupService(store, db::connect, BackupMetrics.NONE,
                Clock.fixed(Instant.parse("2026-11-24T02:00:00Z"), ZoneOffset.UTC), DumpOptions.defaults(),
                TestSigning.key()).run(BackupRequest.unencrypted(BackupKind.DAILY, "auth-db", 6), DumpProgress.NONE).key();
        ErasureLedger ledger = new ErasureLedger(store, clock);
        ledger.configure("DELETE FROM users WHERE email = :subject;");
        ledger.append("erin.erased@example.org", "dpo", "#41", Encryptors.none());
        db.execute("INSERT INTO users SELECT g, 'late' || g || '@example.org' FROM generate_series(100, 104) g");
    }

    @AfterEach
    void dropWhatWasSetAside() {
        for (String name : databases(db.name() + "\\_%")) {
            db.execute("postgres", "DROP DATABASE \"" + name + "\" WITH (FORCE)");
        }
    }

    private InPlaceRestore inPlace() {
        return new InPlaceRestore(client, app, new RestoreService(store, clock, TestSigning.trust()),
                name -> db.server().connect(name), "postgres", Duration.ofSeconds(10), clock,
                ScriptApplier.Progress.NONE);
    }

    @Test
    void theLiveDatabaseIsSetAsideTheRestoredOneTakesItsNameAndTheReplicasComeBack() throws Exception {
        List<String> migratedOn = new java.util.ArrayList<>();
        InPlaceRestore.Result result;
        try (var controller = new FakeDeploymentController(server.createClient(), "shopping-app", "auth-service")) {
            result = inPlace().run(key, db.name(), Decryptors.none(), database -> {
                migratedOn.add(database);
                assertThat(replicas()).as("the application is down during the migration").isZero();
                db.execute(database, "ALTER TABLE users ADD COLUMN created_at timestamptz");
            });
        }

        assertThat(result.replicas()).isEqualTo(3);
        assertThat(replicas()).isEqualTo(3);
        assertThat(migratedOn).containsExactly(db.name());
        assertThat(db.queryLong(db.name(), "SELECT count(*) FROM users")).as("restored, erased").isEqualTo(40);
        assertThat(db.queryLong(db.name(), "SELECT count(*) FROM information_schema.columns"
                + " WHERE table_name = 'users' AND column_name = 'created_at'")).as("migrated").isEqualTo(1);
        assertThat(result.previous()).isEqualTo(db.name() + "_pre_restore_20261125_090000");
        assertThat(db.queryLong(result.previous(), "SELECT count(*) FROM users")).as("kept as it was").isEqualTo(46);
    }

    @Test
    void aFailedMigrationPutsTheOriginalDatabaseAndTheReplicaCountBack() {
        try (var controller = new FakeDeploymentController(server.createClient(), "shopping-app", "auth-service")) {
            assertThatThrownBy(() -> inPlace().run(key, db.name(), Decryptors.none(), database -> {
                throw new IllegalStateException("prisma migrate deploy: migration 20261124_add_index failed");
            })).isInstanceOf(RestoreFailedException.class)
                    .hasMessageContaining("20261124_add_index failed")
                    .hasMessageContaining(db.name() + " is the original database again")
                    .hasMessageContaining("scaled back to 3 replicas");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }

        assertThat(replicas()).isEqualTo(3);
        assertThat(db.queryLong(db.name(), "SELECT count(*) FROM users")).as("the original, with its late rows")
                .isEqualTo(46);
        assertThat(databases(db.name() + "\\_%")).containsExactly(db.name() + "_failed_restore_20261125_090000");
    }

    @Test
    void aRestoreThatFailsBeforeTheSwapLeavesTheDatabaseUntouchedAndScalesBack() throws Exception {
        assertThatThrownBy(() -> inPlace().run("daily/auth-db-backup-2020-01-01.sql.gz", db.name(), Decryptors.none(),
                InPlaceRestore.Migration.NONE)).hasMessageContaining("scaled back to 3 replicas");

        assertThat(replicas()).isEqualTo(3);
        assertThat(db.queryLong(db.name(), "SELECT count(*) FROM users")).isEqualTo(46);
        assertThat(databases(db.name() + "\\_%")).isEmpty();
    }

    private int replicas() {
        return client.apps().deployments().inNamespace("shopping-app").withName("auth-service").get().getSpec()
                .getReplicas();
    }

    private List<String> databases(String like) {
        List<String> names = new java.util.ArrayList<>();
        try (Connection c = db.server().connect("postgres"); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE '" + like + "' ORDER BY 1")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }
}
