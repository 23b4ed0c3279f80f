package dev.pgvault.repoint;

import dev.pgvault.errors.InvalidRequestException;
import java.util.OptionalInt;

/**
 * A PostgreSQL connection URL as applications keep it in their secret
 * ({@code postgresql://user:password@host:5432/db?sslmode=require}, also {@code postgres://}
 * and {@code jdbc:postgresql://}), taken apart only as far as needed to replace the host and
 * port. Everything else (scheme, user, password, database name, parameters, their encoding)
 * is kept byte for byte, so repointing to the old endpoint gives back the old value exactly.
 *
 * <p>The value holds a password: {@link #toString()} and every error message show the
 * endpoint only, never the value.
 */
public final class DatabaseUrl {
    private static final String[] SCHEMES = {"postgresql://", "postgres://", "jdbc:postgresql://"};

    private final String value;
    private final int hostStart; // index of the host in value
    private final int hostEnd;   // index after host[:port]
    private final DatabaseEndpoint endpoint;

    private DatabaseUrl(String value, int hostStart, int hostEnd, DatabaseEndpoint endpoint) {
        this.value = value;
        this.hostStart = hostStart;
        this.hostEnd = hostEnd;
        this.endpoint = endpoint;
    }

    /**
     * Parses a secret's value. {@code where} names the secret key for error messages
     * (for example {@code "key 'database-url' of secret shop/auth-secrets"}); the value itself
     * never appears in a message.
     */
    public static DatabaseUrl parse(String value, String where) {
        if (value == null || value.isBlank()) {
            throw new InvalidRequestException(where + " is empty; expected a postgresql:// URL");
        }
        String scheme = null;
        for (String candidate : SCHEMES) {
            if (value.regionMatches(true, 0, candidate, 0, candidate.length())) {
                scheme = candidate;
                break;
            }
        }
        if (scheme == null) {
            throw new InvalidRequestException(where
                    + " does not start with postgresql://, postgres:// or jdbc:postgresql://; pgvault repoints URL-style values only");
        }
        int authorityStart = scheme.length();
        int authorityEnd = value.length();
        for (int i = authorityStart; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                authorityEnd = i;
                break;
            }
        }
        int fragment = value.indexOf('#', authorityEnd);
        if (value.substring(authorityEnd, fragment < 0 ? value.length() : fragment).indexOf('@') >= 0) {
            // An '@' after the host means a '/', '?' or '#' inside the user name or password cut the
            // authority short; replacing "the host" there would destroy the credentials.
            throw new InvalidRequestException(where
                    + " has an '@' after its first '/', '?' or '#': percent-encode special characters in the user name and password");
        }
        int at = value.lastIndexOf('@', authorityEnd - 1);
        int hostStart = at >= authorityStart ? at + 1 : authorityStart;
        String hostPort = value.substring(hostStart, authorityEnd).stripTrailing();
        int hostEnd = hostStart + hostPort.length();
        if (hostPort.isEmpty()) {
            throw new InvalidRequestException(where + " has no host");
        }
        if (hostPort.contains(",")) {
            throw new InvalidRequestException(where
                    + " names several hosts; pgvault cannot tell which one to replace");
        }
        DatabaseEndpoint endpoint;
        try {
            endpoint = splitHostPort(hostPort);
        } catch (InvalidRequestException e) {
            // Not quoted: on a malformed value the "host" may really be part of the credentials.
            throw new InvalidRequestException(where + " has a host or port pgvault cannot read");
        }
        return new DatabaseUrl(value, hostStart, hostEnd, endpoint);
    }

    private static DatabaseEndpoint splitHostPort(String hostPort) {
        String host = hostPort;
        String port = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw new InvalidRequestException("IPv6 host without closing bracket");
            }
            host = hostPort.substring(0, close + 1);
            if (close + 1 < hostPort.length()) {
                if (hostPort.charAt(close + 1) != ':') {
                    throw new InvalidRequestException("unexpected text after the IPv6 host");
                }
                port = hostPort.substring(close + 2);
            }
        } else {
            int colon = hostPort.lastIndexOf(':');
            if (colon >= 0) {
                host = hostPort.substring(0, colon);
                port = hostPort.substring(colon + 1);
            }
        }
        if (port == null) {
            return new DatabaseEndpoint(host, OptionalInt.empty());
        }
        if (!port.matches("\\d{1,5}")) {
            throw new InvalidRequestException("port is not a number");
        }
        return new DatabaseEndpoint(host, OptionalInt.of(Integer.parseInt(port)));
    }

    public DatabaseEndpoint endpoint() {
        return endpoint;
    }

    /** The same URL with only host and port replaced. */
    public DatabaseUrl withEndpoint(DatabaseEndpoint newEndpoint) {
        String replaced = value.substring(0, hostStart) + newEndpoint.authority() + value.substring(hostEnd);
        return new DatabaseUrl(replaced, hostStart, hostStart + newEndpoint.authority().length(), newEndpoint);
    }

    /** The full value, password included: for writing into the secret, nothing else. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DatabaseUrl that && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "DatabaseUrl[endpoint=" + endpoint + ", value hidden]";
    }
}
