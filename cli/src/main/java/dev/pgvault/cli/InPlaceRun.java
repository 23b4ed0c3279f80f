package dev.pgvault.cli;

import dev.pgvault.archive.crypto.Decryptor;
import dev.pgvault.cli.pitr.RestoreBackupCommand;
import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.errors.RestoreFailedException;
import dev.pgvault.kube.MigrationJobs;
import dev.pgvault.repoint.ApplicationRef;
import dev.pgvault.repoint.DatabaseEndpoint;
import dev.pgvault.repository.BackupStore;
import dev.pgvault.restore.InPlaceRestore;
import dev.pgvault.restore.RestoreService;
import dev.pgvault.restore.ScriptApplier;
import dev.pgvault.verify.ManifestTrust;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code pgvault restore --in-place}: {@link InPlaceRestore} from the operator's machine or a Job,
 * with the kubeconfig's cluster (or the pod's own) and the migration Job run and waited for.
 */
final class InPlaceRun {
    record Outcome(InPlaceRestore.Result result) {}

    private final Invocation invocation;
    private final BackupStore store;
    private final ManifestTrust trust;
    private final DatabaseTarget target;
    private final String kubernetesApi;
    private final Duration timeout;

    InPlaceRun(Invocation invocation, BackupStore store, ManifestTrust trust, DatabaseTarget target, String kubernetesApi,
               Duration timeout) {
        this.invocation = invocation;
        this.store = store;
        this.trust = trust;
        this.target = target;
        this.kubernetesApi = kubernetesApi;
        this.timeout = timeout;
    }

    Outcome run(String key, String namespace, String deployment, String secret, Path migrateJob, Decryptor decryptor,
                ScriptApplier.Progress progress) {
        ApplicationRef app = new ApplicationRef(namespace, secret == null ? "unused" : secret, null, deployment);
        var job = migrateJob == null ? null : RestoreBackupCommand.job(migrateJob);
        try (KubernetesClient client = client()) {
            InPlaceRestore.Migration migration = job == null ? InPlaceRestore.Migration.NONE : database -> {
                MigrationJobs jobs = new MigrationJobs(client);
                MigrationJobs.Started started = jobs.start(app, job, DatabaseEndpoint.of(target.host(), target.port()),
                        database, "inplace-" + Instant.now().getEpochSecond());
                invocation.terminal().say("migration Job " + started.namespace() + "/" + started.job() + " started");
                Instant deadline = Instant.now().plus(timeout);
                while (true) {
                    MigrationJobs.Status status = jobs.status(started.namespace(), started.job());
                    if (status.state() == MigrationJobs.State.SUCCEEDED) {
                        invocation.terminal().say("migration Job " + started.job() + " succeeded");
                        return;
                    }
                    if (status.state() == MigrationJobs.State.FAILED) {
                        throw new RestoreFailedException("the migration Job " + started.job() + " failed: "
                                + status.detail());
                    }
                    if (Instant.now().isAfter(deadline)) {
                        throw new RestoreFailedException("the migration Job " + started.job() + " did not finish in "
                                + timeout.toSeconds() + " s (" + status.detail() + ")");
                    }
                    Thread.sleep(1000);
                }
            };
            InPlaceRestore restore = new InPlaceRestore(client, app, new RestoreService(store, Clock.systemUTC(), trust),
                    name -> target.withDatabase(name).connect(), "postgres", timeout, Clock.systemUTC(), progress);
            return new Outcome(restore.run(key, target.database(), decryptor, migration));
        }
    }

    private KubernetesClient client() {
        if (kubernetesApi == null) {
            return new KubernetesClientBuilder().build();
        }
        return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(kubernetesApi)
                .withTrustCerts(true).withNamespace(null).build()).build();
    }
}
