package dev.pgvault.errors;

/**
 * What is to be backed up (a Git repository, a Kubernetes cluster) could not be reached, or
 * refused our credentials. Counted as a connection failure.
 */
public class SourceUnavailableException extends PgvaultException {
    public SourceUnavailableException(String message) {
        super(message);
    }
}
