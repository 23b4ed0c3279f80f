package dev.pgvault.restore;

import dev.pgvault.archive.crypto.Decryptor;
import dev.pgvault.errors.RestoreFailedException;
import dev.pgvault.kube.RolloutStatus;
import dev.pgvault.kube.Rollouts;
import dev.pgvault.repoint.ApplicationRef;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The runbook's in-place restore, for applications that insist on one database name, without its
 * dangerous step: scale the deployment to 0 (remembering its replicas), restore into a new database
 * verified against the manifest with the erasure ledger applied, rename the live database aside
 * ({@code <db>_pre_restore_<UTC time>}, never dropped) and the restored one into its name, run the
 * migration, scale back up and wait for the rollout. On any failure the original database is put back
 * under its name (a restored database that failed is kept aside as {@code <db>_failed_restore_<UTC time>})
 * and the deployment scaled back to its replicas. The database set aside is dropped only by the operator.
 */
public final class InPlaceRestore {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

    /** The migration against the restored database (under the original name, before the application starts). */
    @FunctionalInterface
    public interface Migration {
        void run(String database) throws Exception;

        Migration NONE = database -> { };
    }

    /**
     * What was done.
     *
     * @param previous the live database's new name, kept until the operator drops it
     */
    public record Result(String key, String database, String previous, int replicas, RestoreReport restore) {}

    private final KubernetesClient client;
    private final ApplicationRef app;
    private final RestoreService service;
    private final NewDatabaseRestore.Connector connector;
    private final String maintenanceDatabase;
    private final Duration rolloutTimeout;
    private final Clock clock;
    private final ScriptApplier.Progress progress;

    public InPlaceRestore(KubernetesClient client, ApplicationRef app, RestoreService service,
                          NewDatabaseRestore.Connector connector, String maintenanceDatabase, Duration rolloutTimeout,
                          Clock clock, ScriptApplier.Progress progress) {
        this.client = client;
        this.app = app;
        this.service = service;
        this.connector = connector;
        this.maintenanceDatabase = maintenanceDatabase;
        this.rolloutTimeout = rolloutTimeout;
        this.clock = clock;
        this.progress = progress;
    }

    public Result run(String key, String database, Decryptor decryptor, Migration migration) {
        Rollouts rollouts = new Rollouts(client, Duration.ofMillis(200));
        int replicas = replicas(rollouts.get(app.namespace(), app.deployment()));
        scale(0);
        progress.note("scaled " + app.deploymentLabel() + " to 0 (it had " + replicas + " replicas)");
        NewDatabaseRestore.Report report;
        try {
            report = service.restoreIntoNewDatabase(key, connector, database,
                    NewDatabaseRestore.Options.into(null).withSwap(true, true).withMaintenanceDatabase(maintenanceDatabase),
                    decryptor, progress);
        } catch (RuntimeException e) {
            // The live database was not renamed: the restore dropped its new database.
            scaleBack(replicas, e);
            throw new RestoreFailedException(e.getMessage() + "; " + app.deploymentLabel() + " was scaled back to "
                    + replicas + " replicas on its database, unchanged", e);
        }
        String previous = report.previous();
        try {
            migration.run(database);
            scale(replicas);
            long generation = rollouts.get(app.namespace(), app.deployment()).getMetadata().getGeneration();
            RolloutStatus status = rollouts.await(app.namespace(), app.deployment(), generation, rolloutTimeout);
            if (status.state() != RolloutStatus.State.COMPLETE) {
                throw new RestoreFailedException("the rollout of " + app.deploymentLabel() + " on the restored database"
                        + " did not complete: " + status.detail());
            }
        } catch (Exception e) {
            String failed = NewDatabaseRestore.derived(database, "_failed_restore_" + STAMP.format(clock.instant()));
            String undo;
            try {
                scale(0);
                swapBack(database, previous, failed);
                undo = database + " is the original database again; the restored one is kept as " + failed;
            } catch (SQLException | RuntimeException back) {
                e.addSuppressed(back);
                undo = "ACTION REQUIRED: putting the original database back failed (" + back.getMessage() + "): it is "
                        + previous + "; rename it to " + database;
            }
            scaleBack(replicas, e);
            throw new RestoreFailedException("the in-place restore of " + key + " failed after the swap: "
                    + e.getMessage() + "; " + undo + "; " + app.deploymentLabel() + " was scaled back to " + replicas
                    + " replicas", e);
        }
        progress.note(app.deploymentLabel() + " runs on the restored " + database + " (" + replicas + " replicas); the"
                + " database it replaced is kept as " + previous + ": drop it when you no longer need it (DROP DATABASE "
                + DatabaseShape.identifier(previous) + ")");
        return new Result(key, database, previous, replicas, report.restore());
    }

    /** Renames the restored database aside and the original back, in one transaction, ending sessions on both. */
    private void swapBack(String database, String previous, String failed) throws SQLException {
        try (Connection admin = connector.connect(maintenanceDatabase)) {
            admin.setAutoCommit(true);
            try (PreparedStatement end = admin.prepareStatement("SELECT pg_catalog.pg_terminate_backend(pid)"
                    + " FROM pg_catalog.pg_stat_activity WHERE datname IN (?, ?) AND pid <> pg_catalog.pg_backend_pid()")) {
                end.setString(1, database);
                end.setString(2, previous);
                end.execute();
            }
            admin.setAutoCommit(false);
            try (Statement st = admin.createStatement()) {
                st.execute("ALTER DATABASE " + DatabaseShape.identifier(database) + " RENAME TO "
                        + DatabaseShape.identifier(failed));
                st.execute("ALTER DATABASE " + DatabaseShape.identifier(previous) + " RENAME TO "
                        + DatabaseShape.identifier(database));
                admin.commit();
            } catch (SQLException e) {
                admin.rollback();
                throw e;
            }
        }
    }

    private void scaleBack(int replicas, Exception failure) {
        try {
            scale(replicas);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private void scale(int replicas) {
        new Rollouts(client, Duration.ofMillis(200)).scale(app.namespace(), app.deployment(), replicas);
    }

    private static int replicas(Deployment deployment) {
        Integer replicas = deployment.getSpec().getReplicas();
        return replicas == null ? 1 : replicas;
    }
}
