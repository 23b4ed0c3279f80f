package dev.pgvault.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pgvault.errors.ConfigurationException;
import dev.pgvault.errors.DatabaseUnavailableException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Where a database is and how to log in, from any of the forms operators hold it in:
 * a libpq URL ({@code postgresql://user:pass@host:5432/db?sslmode=require}, the runbook's
 * {@code DATABASE_URL}), a JDBC URL, or the JSON of an RDS-managed secret
 * ({@code host, port, dbname, username, password}, or {@code {"url": ...}}).
 *
 * <p>{@link #toString()} never shows the password; neither do error messages built from it.
 */
public final class DatabaseTarget {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> LIBPQ_TO_JDBC = Map.of(
            "application_name", "ApplicationName",
            "connect_timeout", "connectTimeout",
            "target_session_attrs", "targetServerType");

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final Map<String, String> parameters;

    public DatabaseTarget(String host, int port, String database, String user, String password,
                          Map<String, String> parameters) {
        if (host == null || host.isBlank()) {
            throw new ConfigurationException("database location has no host");
        }
        if (database == null || database.isBlank()) {
            throw new ConfigurationException("database location names no database");
        }
        if (port < 1 || port > 65535) {
            throw new ConfigurationException("database port " + port + " is not a TCP port");
        }
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.parameters = Map.copyOf(parameters);
    }

    /** Parses a libpq or JDBC URL. {@code what} names the source in errors (a variable, a flag). */
    public static DatabaseTarget parseUrl(String url, String what) {
        if (url == null || url.isBlank()) {
            throw new ConfigurationException(what + " is empty");
        }
        String trimmed = url.strip();
        String withoutJdbc = trimmed.startsWith("jdbc:") ? trimmed.substring(5) : trimmed;
        if (!withoutJdbc.startsWith("postgresql://") && !withoutJdbc.startsWith("postgres://")) {
            throw new ConfigurationException(what + " must be a postgresql:// URL (or jdbc:postgresql://)");
        }
        URI uri;
        try {
            uri = new URI(withoutJdbc);
        } catch (URISyntaxException e) {
            // Never echo the URL: it may hold a password.
            throw new ConfigurationException(what + " is not a valid URL (check for unescaped characters"
                    + " in the password: percent-encode them)");
        }
        String host = uri.getHost();
        if (host == null) {
            throw new ConfigurationException(what + " has no host");
        }
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
        Map<String, String> parameters = query(uri.getRawQuery());
        String user = null;
        String password = null;
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            password = parts.length > 1 ? decode(parts[1]) : null;
        }
        user = parameters.containsKey("user") ? parameters.remove("user") : user;
        password = parameters.containsKey("password") ? parameters.remove("password") : password;
        String database = parameters.containsKey("dbname") ? parameters.remove("dbname") : decode(path);
        return new DatabaseTarget(host, port, database, user, password, parameters);
    }

    /** Parses a Secrets Manager secret: RDS's JSON, JSON with a "url", or a bare URL. */
    public static DatabaseTarget parseSecret(String secret, String what) {
        return parseSecret(secret, what, null);
    }

    /**
     * Parses a Secrets Manager secret; {@code configuredDatabase} (may be null) names the database
     * when the secret does not. A secret naming none is refused rather than read as the
     * maintenance database "postgres": the RDS console's default secret has no dbname, and a
     * nightly backup of "postgres" would succeed every night while backing up nothing.
     */
    public static DatabaseTarget parseSecret(String secret, String what, String configuredDatabase) {
        String trimmed = secret == null ? "" : secret.strip();
        if (!trimmed.startsWith("{")) {
            return parseUrl(trimmed, what);
        }
        JsonNode json;
        try {
            json = JSON.readTree(trimmed);
        } catch (IOException e) {
            throw new ConfigurationException(what + " is neither a URL nor valid JSON");
        }
        for (String urlField : new String[] {"url", "database_url", "DATABASE_URL"}) {
            if (json.hasNonNull(urlField)) {
                return parseUrl(json.get(urlField).asText(), what + " field '" + urlField + "'");
            }
        }
        String host = text(json, "host", what);
        int port = json.hasNonNull("port") ? json.get("port").asInt(-1) : 5432;
        String database = json.hasNonNull("dbname") ? json.get("dbname").asText()
                : json.hasNonNull("database") ? json.get("database").asText() : configuredDatabase;
        if (database == null || database.isBlank()) {
            throw new ConfigurationException(what + " names no database (no \"dbname\" field, as in the RDS"
                    + " console's default secret) and none is configured: set the DatabaseName parameter"
                    + " (PGVAULT_DATABASE_NAME) or add \"dbname\" to the secret");
        }
        String user = text(json, "username", what);
        String password = json.hasNonNull("password") ? json.get("password").asText() : null;
        Map<String, String> parameters = new LinkedHashMap<>();
        if (json.hasNonNull("sslmode")) {
            parameters.put("sslmode", json.get("sslmode").asText());
        }
        return new DatabaseTarget(host, port, database, user, password, parameters);
    }

    /**
     * Opens a connection. Failing to reach or log into the server (unknown host, refused, wrong
     * password, no such database, TLS refused) is a {@link DatabaseUnavailableException} naming
     * this target and what the server or network said; other driver errors stay SQLExceptions.
     */
    public Connection connect() throws SQLException {
        try {
            return openConnection();
        } catch (SQLException e) {
            if (isConnectionFailure(e)) {
                throw new DatabaseUnavailableException("could not connect to " + this + ": "
                        + dev.pgvault.dump.DatabaseErrors.describeConnectionFailure(e), e);
            }
            throw e;
        }
    }

    /** SQLSTATE class 08 (connection), 28 (authorization), 3D000 (no such database), 53300 (too many connections). */
    private static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("28") || state.equals("3D000")
                || state.equals("53300") || state.equals("57P03");
    }

    private Connection openConnection() throws SQLException {
        Properties properties = new Properties();
        parameters.forEach((key, value) -> properties.setProperty(LIBPQ_TO_JDBC.getOrDefault(key, key), value));
        properties.putIfAbsent("ApplicationName", "pgvault");
        properties.putIfAbsent("tcpKeepAlive", "true");
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        return DriverManager.getConnection(jdbcUrl(), properties);
    }

    /** The JDBC URL without credentials. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + encode(database);
    }

    /** The same server and login with another database (scratch databases, restore targets). */
    public DatabaseTarget withDatabase(String otherDatabase) {
        return new DatabaseTarget(host, port, otherDatabase, user, password, parameters);
    }

    /** The same login, database and parameters on another host and port (a restored instance). */
    public DatabaseTarget withEndpoint(String otherHost, int otherPort) {
        return new DatabaseTarget(otherHost, otherPort, database, user, password, parameters);
    }

    /** A libpq URL with the password in it, for writing into an application's secret. Never log it. */
    public String toLibpqUrlWithPassword() {
        StringBuilder url = new StringBuilder("postgresql://");
        if (user != null) {
            url.append(encode(user));
            if (password != null) {
                url.append(':').append(encode(password));
            }
            url.append('@');
        }
        url.append(hostForUrl()).append(':').append(port).append('/').append(encode(database));
        if (!parameters.isEmpty()) {
            StringBuilder query = new StringBuilder();
            parameters.forEach((k, v) -> query.append(query.isEmpty() ? "?" : "&").append(encode(k)).append('=')
                    .append(encode(v)));
            url.append(query);
        }
        return url.toString();
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    public Map<String, String> parameters() {
        return parameters;
    }

    /** "user@host:port/database" — what logs and messages show. */
    @Override
    public String toString() {
        return (user == null ? "" : user + "@") + hostForUrl() + ":" + port + "/" + database;
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            String[] kv = pair.split("=", 2);
            parameters.put(decode(kv[0]).toLowerCase(Locale.ROOT).equals("sslmode") ? "sslmode" : decode(kv[0]),
                    kv.length > 1 ? decode(kv[1]) : "");
        }
        return parameters;
    }

    private static String text(JsonNode json, String field, String what) {
        if (!json.hasNonNull(field)) {
            throw new ConfigurationException(what + " has no '" + field + "' field");
        }
        return json.get(field).asText();
    }

    private static String decode(String value) {
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
