package dev.pgvault.errors;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What kind of failure ended a run, as a small fixed set of names: the value of the failure
 * metric's {@code ErrorClass} dimension and the CLI's error summary. Low cardinality by design
 * (no ids, no messages), so it can be a metric dimension. Decided here and nowhere else.
 */
public enum FailureClass {
    /** A configuration value is missing or malformed. */
    CONFIGURATION("Configuration"),
    /** A secret could not be read by reference. */
    SECRET("Secret"),
    /** An encryption or decryption key is missing, unreadable or wrong. */
    ENCRYPTION_KEY("EncryptionKey"),
    /** The database (or the Git repository, the Kubernetes cluster) could not be reached or logged into. */
    CONNECTION("Connection"),
    /** The database reached is not the one expected (no name, no tables, other identity). */
    WRONG_SOURCE("WrongSource"),
    /** The database holds objects the dump engine refuses. */
    UNSUPPORTED_OBJECT("UnsupportedObject"),
    /** Reading the database failed midway (lock timeout, lost connection, server error). */
    DUMP("Dump"),
    /** The repository refused or failed a read or write. */
    STORAGE("Storage"),
    /** Applying a backup to the target database failed (the restore rolled back). */
    RESTORE("Restore"),
    /** A stored backup failed an integrity check or its manifest. */
    INTEGRITY("Integrity"),
    /** The request itself was invalid (bad event, unknown backup). */
    INVALID_REQUEST("InvalidRequest"),
    /** Stopped by the watchdog before the Lambda's deadline. */
    TIMEOUT("Timeout"),
    /** Stopped by a signal (Ctrl-C, SIGTERM). */
    INTERRUPTED("Interrupted"),
    /** The JVM ran out of memory. */
    OUT_OF_MEMORY("OutOfMemory"),
    /** Anything else: a bug to report. */
    INTERNAL("Internal");

    private final String metricValue;

    FailureClass(String metricValue) {
        this.metricValue = metricValue;
    }

    /** The dimension value, e.g. "Connection". */
    public String metricValue() {
        return metricValue;
    }

    /**
     * Classifies a failure by its exception types, outermost first, looking through wrappers
     * (a {@link BackupFailedException} is classified by what it wraps).
     */
    public static FailureClass of(Throwable failure) {
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        for (Throwable t = failure; t != null && seen.put(t, true) == null; t = t.getCause()) {
            FailureClass direct = direct(t);
            if (direct != null) {
                return direct;
            }
        }
        return INTERNAL;
    }

    private static FailureClass direct(Throwable t) {
        if (t instanceof OutOfMemoryError) {
            return OUT_OF_MEMORY;
        }
        if (t instanceof RunCancelledException cancelled) {
            return cancelled.reason() == dev.pgvault.run.Cancellation.Reason.TIMEOUT ? TIMEOUT : INTERRUPTED;
        }
        if (t instanceof EncryptionKeyException) {
            return ENCRYPTION_KEY;
        }
        if (t instanceof SecretUnavailableException) {
            return SECRET;
        }
        if (t instanceof ConfigurationException) {
            return CONFIGURATION;
        }
        if (t instanceof WrongKeyException) {
            return ENCRYPTION_KEY;
        }
        if (t instanceof DatabaseUnavailableException || t instanceof SourceUnavailableException
                || t instanceof KubernetesAccessException) {
            return CONNECTION;
        }
        if (t instanceof WrongSourceException) {
            return WRONG_SOURCE;
        }
        if (t instanceof UnsupportedObjectException) {
            return UNSUPPORTED_OBJECT;
        }
        if (t instanceof StorageException) {
            return STORAGE;
        }
        if (t instanceof IntegrityException) {
            return INTEGRITY;
        }
        if (t instanceof InvalidRequestException || t instanceof BackupNotFoundException
                || t instanceof TargetNotEmptyException) {
            return INVALID_REQUEST;
        }
        if (t instanceof ForbiddenStatementException) {
            return INTEGRITY;
        }
        if (t instanceof RestoreFailedException) {
            return RESTORE;
        }
        if (t instanceof java.sql.SQLException) {
            return DUMP;
        }
        return null;
    }
}
