package dev.pgvault.repoint;

import dev.pgvault.errors.InvalidRequestException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * Point an application at another database endpoint.
 *
 * @param database           the database to name in the URL instead of the current one (a restore
 *                           into a new database on the same instance); empty keeps it
 * @param healthUrl          checked (HTTP 2xx) after the rollout when present
 * @param rolloutTimeout     how long one rollout may take; a rollback gets the same again
 * @param healthTimeout      how long the health URL may take to answer 2xx
 * @param allowManagedSecret write even into a secret a controller manages (it may revert the change)
 * @param testConnection     open a session with the new URL before writing (off only to go back to
 *                           the endpoint the application used before)
 */
public record RepointRequest(ApplicationRef application, DatabaseEndpoint endpoint, Optional<String> database,
                             Optional<URI> healthUrl, Duration rolloutTimeout, Duration healthTimeout,
                             boolean allowManagedSecret, boolean testConnection) {
    public RepointRequest {
        if (application == null) {
            throw new InvalidRequestException("application is required");
        }
        if (endpoint == null) {
            throw new InvalidRequestException("endpoint is required");
        }
        database = database == null ? Optional.empty() : database;
        healthUrl = healthUrl == null ? Optional.empty() : healthUrl;
        healthUrl.ifPresent(RepointRequest::checkHealthUrl);
        if (rolloutTimeout == null || rolloutTimeout.isNegative() || rolloutTimeout.isZero()) {
            throw new InvalidRequestException("rollout timeout must be positive");
        }
        if (healthTimeout == null || healthTimeout.isNegative()) {
            throw new InvalidRequestException("health timeout must not be negative");
        }
    }

    /** Same host and port change only, connection tested, managed secrets refused. */
    public RepointRequest(ApplicationRef application, DatabaseEndpoint endpoint, Optional<URI> healthUrl,
                          Duration rolloutTimeout, Duration healthTimeout) {
        this(application, endpoint, Optional.empty(), healthUrl, rolloutTimeout, healthTimeout, false, true);
    }

    static void checkHealthUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new InvalidRequestException("health URL '" + url + "' must be an absolute http:// or https:// URL");
        }
    }
}
