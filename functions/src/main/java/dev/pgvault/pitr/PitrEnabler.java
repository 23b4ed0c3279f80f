package dev.pgvault.pitr;

import dev.pgvault.errors.InvalidRequestException;
import dev.pgvault.errors.PgvaultException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;

/**
 * Turns point-in-time recovery on (or changes it), as the runbook's
 * {@code aws rds modify-db-instance --backup-retention-period 7 --preferred-backup-window
 * 02:00-03:00 --apply-immediately} does.
 */
public final class PitrEnabler {
    /** RDS keeps automated backups for 1 to 35 days (0 turns them off, which this does not do). */
    public static final int MAX_RETENTION_DAYS = 35;

    private final RdsClient rds;

    public PitrEnabler(RdsClient rds) {
        this.rds = rds;
    }

    /** Applies immediately; returns the instance as RDS reports it after the request. */
    public DBInstance enable(String instanceId, int retentionDays, BackupWindow window) {
        RestoreTarget.checkIdentifier("instance", instanceId);
        if (retentionDays < 1 || retentionDays > MAX_RETENTION_DAYS) {
            throw new InvalidRequestException("retention must be 1 to " + MAX_RETENTION_DAYS + " days, got " + retentionDays);
        }
        try {
            return rds.modifyDBInstance(r -> r.dbInstanceIdentifier(instanceId)
                    .backupRetentionPeriod(retentionDays)
                    .preferredBackupWindow(window.toString())
                    .applyImmediately(true)).dbInstance();
        } catch (DbInstanceNotFoundException e) {
            throw new InvalidRequestException("RDS instance " + instanceId + " does not exist in this account and region");
        } catch (AwsServiceException e) {
            if (e.statusCode() == 400 && e.awsErrorDetails() != null) {
                // RDS explains what it refused (a window overlapping maintenance, an instance mid-change).
                throw new InvalidRequestException("RDS refused the change to " + instanceId + ": "
                        + e.awsErrorDetails().errorMessage());
            }
            throw new PgvaultException("could not modify RDS instance " + instanceId + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new PgvaultException("could not modify RDS instance " + instanceId + ": " + e.getMessage(), e);
        }
    }
}
