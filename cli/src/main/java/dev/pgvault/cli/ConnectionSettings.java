package dev.pgvault.cli;

import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.errors.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where to connect, as libpq decides it: a connection URL where given, and for whatever it
 * leaves out (or when there is none) libpq's environment variables, then libpq's defaults.
 *
 * <table>
 *   <caption>What fills a part the URL does not give</caption>
 *   <tr><th>part</th><th>variable</th><th>default</th></tr>
 *   <tr><td>host</td><td>PGHOST</td><td>localhost (TCP only: no Unix sockets)</td></tr>
 *   <tr><td>port</td><td>PGPORT</td><td>5432</td></tr>
 *   <tr><td>user</td><td>PGUSER</td><td>the operating system user</td></tr>
 *   <tr><td>database</td><td>PGDATABASE</td><td>the user name</td></tr>
 *   <tr><td>password</td><td>PGPASSWORD</td><td>the PostgreSQL driver reads PGPASSFILE or ~/.pgpass</td></tr>
 *   <tr><td>sslmode</td><td>PGSSLMODE</td><td>by host: verify-full for RDS, require elsewhere, prefer on this machine (see DatabaseTarget's TLS policy)</td></tr>
 *   <tr><td>sslrootcert</td><td>PGSSLROOTCERT</td><td>the RDS bundle for RDS hosts</td></tr>
 * </table>
 *
 * <p>The password file is left to the driver on purpose: pgjdbc (42.7) looks it up itself,
 * with libpq's rules (PGPASSFILE, else ~/.pgpass; host, port, database, user, wildcards),
 * whenever a connection is opened without a password.
 *
 * <p>Messages never echo the URL: it may hold a password.
 */
final class ConnectionSettings {
    private ConnectionSettings() {}

    /** The target, and whether the URL itself held a password. */
    record Resolved(DatabaseTarget target, boolean urlHasPassword) {}

    /**
     * @param url  a libpq ({@code postgresql://}) or JDBC URL, possibly partial; null for none
     * @param what names the URL's source in messages ("--database-url", "DATABASE_URL")
     */
    static Resolved resolve(String url, String what, Map<String, String> env) {
        Parts parts;
        try {
            parts = url == null ? new Parts() : parse(url, what);
        } catch (IllegalArgumentException e) { // URLDecoder: a malformed %-escape
            throw new ConfigurationException(what + " has a malformed %-escape");
        }
        String host = first(parts.host, env.get("PGHOST"), "localhost");
        if (host.startsWith("/")) {
            throw new ConfigurationException((parts.host != null ? what : "PGHOST") + " names a Unix socket directory ("
                    + host + "); pgvault connects over TCP: give a host name or address");
        }
        if (host.contains(",")) {
            throw new ConfigurationException((parts.host != null ? what : "PGHOST")
                    + " names several hosts; give one");
        }
        int port = parts.port != null ? parts.port : port(env.get("PGPORT"), "PGPORT");
        String user = first(parts.user, env.get("PGUSER"), System.getProperty("user.name"));
        String password = first(parts.password, env.get("PGPASSWORD"), null);
        String database = first(parts.database, env.get("PGDATABASE"), user);
        Map<String, String> parameters = new LinkedHashMap<>(parts.parameters);
        putIfAbsent(parameters, "sslmode", env.get("PGSSLMODE"));
        putIfAbsent(parameters, "sslrootcert", env.get("PGSSLROOTCERT"));
        return new Resolved(new DatabaseTarget(host, port, database, user, password, parameters), parts.password != null);
    }

    private static final class Parts {
        String host;
        Integer port;
        String user;
        String password;
        String database;
        final Map<String, String> parameters = new LinkedHashMap<>();
    }

    private static Parts parse(String url, String what) {
        String text = url.strip();
        if (text.startsWith("jdbc:")) {
            text = text.substring("jdbc:".length());
        }
        if (!text.startsWith("postgresql://") && !text.startsWith("postgres://")) {
            throw new ConfigurationException(what + " must be a postgresql:// URL (or jdbc:postgresql://)");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigurationException(what + " is not a valid URL (check for unescaped characters"
                    + " in the password: percent-encode them)");
        }
        Parts parts = new Parts();
        String authority = uri.getRawAuthority();
        if (authority != null) {
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                String[] userInfo = authority.substring(0, at).split(":", 2);
                parts.user = emptyToNull(decode(userInfo[0]));
                parts.password = userInfo.length > 1 ? decode(userInfo[1]) : null;
                authority = authority.substring(at + 1);
            }
            hostAndPort(decode(authority), what, parts);
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
        parts.database = emptyToNull(decode(path));
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                String[] kv = pair.split("=", 2);
                String key = decode(kv[0]);
                String value = kv.length > 1 ? decode(kv[1]) : "";
                switch (key.toLowerCase(Locale.ROOT)) {
                    case "user" -> parts.user = emptyToNull(value);
                    case "password" -> parts.password = value;
                    case "dbname" -> parts.database = emptyToNull(value);
                    case "host" -> parts.host = emptyToNull(value);
                    case "port" -> parts.port = value.isEmpty() ? null : port(value, what + " port");
                    case "sslmode" -> parts.parameters.put("sslmode", value);
                    default -> parts.parameters.put(key, value);
                }
            }
        }
        return parts;
    }

    private static void hostAndPort(String hostPort, String what, Parts parts) {
        if (hostPort.isEmpty()) {
            return;
        }
        String host = hostPort;
        String port = null;
        if (hostPort.startsWith("[")) {
            int end = hostPort.indexOf(']');
            if (end < 0) {
                throw new ConfigurationException(what + " has an unclosed [ in its host");
            }
            host = hostPort.substring(1, end);
            if (hostPort.length() > end + 1 && hostPort.charAt(end + 1) == ':') {
                port = hostPort.substring(end + 2);
            }
        } else if (hostPort.indexOf(':') >= 0 && hostPort.indexOf(':') == hostPort.lastIndexOf(':')) {
            host = hostPort.substring(0, hostPort.indexOf(':'));
            port = hostPort.substring(hostPort.indexOf(':') + 1);
        }
        parts.host = emptyToNull(host);
        parts.port = port == null || port.isEmpty() ? null : port(port, what + " port");
    }

    private static int port(String value, String what) {
        if (value == null || value.isBlank()) {
            return 5432;
        }
        try {
            int port = Integer.parseInt(value.strip());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new ConfigurationException(what + " '" + value + "' is not a TCP port");
        }
    }

    private static String first(String a, String b, String fallback) {
        if (a != null && !a.isEmpty()) {
            return a;
        }
        if (b != null && !b.isEmpty()) {
            return b;
        }
        return fallback;
    }

    private static void putIfAbsent(Map<String, String> parameters, String key, String value) {
        if (value != null && !value.isEmpty()) {
            parameters.putIfAbsent(key, value);
        }
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String decode(String value) {
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
