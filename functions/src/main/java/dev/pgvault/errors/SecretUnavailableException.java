package dev.pgvault.errors;

/**
 * A secret could not be read by reference (missing, not readable by this role, unreachable
 * service, unusable content). The message names the reference, never the value.
 */
public class SecretUnavailableException extends ConfigurationException {
    public SecretUnavailableException(String message) {
        super(message);
    }
}
