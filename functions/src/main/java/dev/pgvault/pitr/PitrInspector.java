package dev.pgvault.pitr;

import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.PgvaultException;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DBInstanceAutomatedBackup;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;

/**
 * Reads an instance's point-in-time recovery state from RDS: retention and backup window from
 * DescribeDBInstances, the earliest restorable time from its automated backups (it is not in
 * DescribeDBInstances), the latest from the instance.
 */
public final class PitrInspector {
    private final RdsClient rds;

    public PitrInspector(RdsClient rds) {
        this.rds = rds;
    }

    public PitrStatus status(String instanceId) {
        RestoreTarget.checkIdentifier("instance", instanceId);
        DBInstance instance;
        try {
            instance = rds.describeDBInstances(r -> r.dbInstanceIdentifier(instanceId)).dbInstances().get(0);
        } catch (DbInstanceNotFoundException e) {
            throw new InvalidRequestException("RDS instance " + instanceId + " does not exist in this account and region");
        } catch (SdkException e) {
            throw new PgvaultException("could not describe RDS instance " + instanceId + ": " + e.getMessage(), e);
        }
        if (instance.dbClusterIdentifier() != null) {
            throw new InvalidRequestException("RDS instance " + instanceId + " belongs to Aurora cluster "
                    + instance.dbClusterIdentifier() + "; restore the cluster instead");
        }
        int retention = instance.backupRetentionPeriod() == null ? 0 : instance.backupRetentionPeriod();
        Optional<RestoreWindow> window = Optional.empty();
        if (retention > 0 && instance.latestRestorableTime() != null) {
            window = earliest(instance).map(earliest -> new RestoreWindow(earliest, instance.latestRestorableTime()));
        }
        return new PitrStatus(instance.dbInstanceIdentifier(), instance.dbInstanceStatus(), retention,
                instance.preferredBackupWindow(), window);
    }

    private Optional<Instant> earliest(DBInstance instance) {
        try {
            return rds.describeDBInstanceAutomatedBackups(r -> r.dbiResourceId(instance.dbiResourceId()))
                    .dbInstanceAutomatedBackups().stream()
                    // Only this instance's own, active backups: a retained backup of a deleted instance of
                    // the same name (another DbiResourceId) is not a window this instance can restore from.
                    .filter(b -> instance.dbiResourceId() == null || instance.dbiResourceId().equals(b.dbiResourceId()))
                    .filter(b -> b.status() == null || b.status().equalsIgnoreCase("active"))
                    .map(DBInstanceAutomatedBackup::restoreWindow)
                    .filter(w -> w != null && w.earliestTime() != null)
                    .map(w -> w.earliestTime())
                    .min(Instant::compareTo);
        } catch (SdkException e) {
            throw new PgvaultException("could not read the automated backups of " + instance.dbInstanceIdentifier()
                    + ": " + e.getMessage(), e);
        }
    }
}
