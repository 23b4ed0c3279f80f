package dev.pgvault.pitr;

import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.PgvaultException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.PendingModifiedValues;

/**
 * Turns point-in-time recovery on (or changes it), as the runbook's
 * {@code aws rds modify-db-instance --backup-retention-period 7 --preferred-backup-window
 * 02:00-03:00} does, but looks first: {@link #plan} says what would change, whether it causes an
 * outage (RDS restarts an instance whose retention goes from 0 to more, or back), and which
 * pending modifications {@code ApplyImmediately} would drag along; {@link #apply} makes the call.
 */
public final class PitrEnabler {
    /** RDS keeps automated backups for 1 to 35 days (0 turns them off, which this does not do). */
    public static final int MAX_RETENTION_DAYS = 35;

    private final RdsClient rds;

    public PitrEnabler(RdsClient rds) {
        this.rds = rds;
    }

    /**
     * What enabling would do to the instance as it is now.
     *
     * @param changes         "backup retention: 0 -> 7 days", ...; empty when all is as asked
     * @param outage          retention goes from 0 to more: RDS restarts the instance
     * @param pending         modifications already waiting on the instance, as "Name: value"
     * @param applyImmediately now, or in the next maintenance window
     */
    public record Plan(String instanceId, String status, int currentRetention, String currentWindow, int retention,
                       BackupWindow window, boolean applyImmediately, String maintenanceWindow, List<String> changes,
                       boolean outage, List<String> pending) {
        public boolean nothingToChange() {
            return changes.isEmpty();
        }

        /** Why this should not run without an explicit yes; empty when it is safe. */
        public List<String> risks() {
            List<String> risks = new ArrayList<>();
            if (outage && applyImmediately) {
                risks.add("turning automated backups on (retention " + currentRetention + " -> " + retention
                        + ") restarts " + instanceId + " now: an outage of seconds to minutes. Schedule it with"
                        + " --at-maintenance-window (" + maintenanceWindow + " UTC) or accept it with --yes");
            }
            if (!pending.isEmpty() && applyImmediately) {
                risks.add("applying immediately also applies the modifications pending on " + instanceId + " now ("
                        + String.join(", ", pending) + "), some of which may restart it. Use"
                        + " --at-maintenance-window to leave them for the maintenance window, or --yes to apply them all now");
            }
            return risks;
        }
    }

    public Plan plan(String instanceId, int retentionDays, BackupWindow window, boolean applyImmediately) {
        RestoreTarget.checkIdentifier("instance", instanceId);
        if (retentionDays < 1 || retentionDays > MAX_RETENTION_DAYS) {
            throw new InvalidRequestException("retention must be 1 to " + MAX_RETENTION_DAYS + " days, got " + retentionDays);
        }
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
                    + instance.dbClusterIdentifier() + "; its backups are the cluster's (modify-db-cluster)");
        }
        int current = instance.backupRetentionPeriod() == null ? 0 : instance.backupRetentionPeriod();
        String currentWindow = instance.preferredBackupWindow();
        List<String> changes = new ArrayList<>();
        if (current != retentionDays) {
            changes.add("backup retention: " + current + " -> " + retentionDays + " day" + (retentionDays == 1 ? "" : "s")
                    + (current == 0 ? " (turns point-in-time recovery on)" : ""));
        }
        if (!window.toString().equals(currentWindow)) {
            changes.add("backup window (UTC): " + (currentWindow == null ? "none" : currentWindow) + " -> " + window);
        }
        return new Plan(instanceId, instance.dbInstanceStatus(), current, currentWindow, retentionDays, window,
                applyImmediately, instance.preferredMaintenanceWindow(), List.copyOf(changes),
                current == 0 && retentionDays > 0, pending(instance.pendingModifiedValues()));
    }

    /** Makes the change; returns the instance as RDS reports it after the request. */
    public DBInstance apply(Plan plan) {
        try {
            return rds.modifyDBInstance(r -> r.dbInstanceIdentifier(plan.instanceId())
                    .backupRetentionPeriod(plan.retention())
                    .preferredBackupWindow(plan.window().toString())
                    .applyImmediately(plan.applyImmediately())).dbInstance();
        } catch (DbInstanceNotFoundException e) {
            throw new InvalidRequestException("RDS instance " + plan.instanceId() + " does not exist in this account and region");
        } catch (AwsServiceException e) {
            if (e.statusCode() == 400 && e.awsErrorDetails() != null) {
                // RDS explains what it refused (a window overlapping maintenance, an instance mid-change).
                throw new InvalidRequestException("RDS refused the change to " + plan.instanceId() + ": "
                        + e.awsErrorDetails().errorMessage());
            }
            throw new PgvaultException("could not modify RDS instance " + plan.instanceId() + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new PgvaultException("could not modify RDS instance " + plan.instanceId() + ": " + e.getMessage(), e);
        }
    }

    /** Every modification RDS holds for the instance, as "Name: value". */
    static List<String> pending(PendingModifiedValues values) {
        List<String> pending = new ArrayList<>();
        if (values == null) {
            return pending;
        }
        for (SdkField<?> field : values.sdkFields()) {
            Object value = field.getValueOrDefault(values);
            if (value == null || (value instanceof Collection<?> c && c.isEmpty())
                    || (value instanceof Map<?, ?> m && m.isEmpty())) {
                continue;
            }
            pending.add(field.memberName() + ": " + value);
        }
        return pending;
    }
}
