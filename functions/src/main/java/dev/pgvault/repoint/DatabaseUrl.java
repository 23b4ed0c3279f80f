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

    /**
     * The database the URL names (its path, percent-decoded), or empty when it names none (the
     * driver then uses the user name). A {@code dbname} query parameter overrides the path in
     * libpq; it is reported here too.
     */
    public java.util.Optional<String> database() {
        String rest = value.substring(hostEnd);
        String query = queryOf(rest);
        for (String pair : query.split("&")) {
            if (pair.startsWith("dbname=")) {
                return java.util.Optional.of(decode(pair.substring(7)));
            }
        }
        String path = pathOf(rest);
        return path.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(decode(path));
    }

    /**
     * The same URL naming another database: only its path changes (a restore into a new database
     * on the same instance). Names are limited to what needs no quoting in a URL.
     */
    public DatabaseUrl withDatabase(String database) {
        if (database == null || !DATABASE.matcher(database).matches()) {
            throw new InvalidRequestException("database name '" + database + "' is not one pgvault writes into a URL"
                    + " (letters, digits, '_', '$' and '-', at most 63, not starting with a digit)");
        }
        String rest = value.substring(hostEnd);
        if (queryOf(rest).matches("(^|.*&)dbname=.*")) {
            throw new InvalidRequestException("the URL names its database in a dbname parameter; pgvault changes the"
                    + " database in the URL's path only: move it there first");
        }
        int pathEnd = firstOf(rest, '?', '#');
        String replaced = value.substring(0, hostEnd) + "/" + database + rest.substring(pathEnd);
        return new DatabaseUrl(replaced, hostStart, hostEnd, endpoint);
    }

    private static final java.util.regex.Pattern DATABASE = java.util.regex.Pattern.compile("^[A-Za-z_][A-Za-z0-9_$-]{0,62}$");

    private static String pathOf(String rest) {
        String path = rest.substring(0, firstOf(rest, '?', '#'));
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private static String queryOf(String rest) {
        int q = rest.indexOf('?');
        if (q < 0) {
            return "";
        }
        int hash = rest.indexOf('#', q);
        return rest.substring(q + 1, hash < 0 ? rest.length() : hash);
    }

    private static int firstOf(String text, char a, char b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        if (i < 0) {
            return j < 0 ? text.length() : j;
        }
        return j < 0 ? i : Math.min(i, j);
    }

    private static String decode(String text) {
        try {
            return java.net.URLDecoder.decode(text.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
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
