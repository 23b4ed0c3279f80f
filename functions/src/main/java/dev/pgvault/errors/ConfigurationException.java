package dev.pgvault.errors;

/** A missing or malformed configuration value; the message names the variable. Raised before any work starts. */
public class ConfigurationException extends PgvaultException {
    public ConfigurationException(String message) {
        super(message);
    }
}
