package dev.pgvault.errors;

/** The named backup (or its manifest) is not in the repository. */
public class BackupNotFoundException extends PgvaultException {
    public BackupNotFoundException(String message) {
        super(message);
    }
}
