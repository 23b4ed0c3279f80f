package dev.pgvault.verify;

import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.restore.DatabaseDrop;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Throwaway databases on the scratch server, named {@code pgvault_verify_<UTC time>_<random>}, so
 * that a run can recognise (and drop) what an earlier run left when it was killed before its
 * {@code finally}. The server is reached through its maintenance database (the one the scratch
 * target names, usually {@code postgres}); the login needs CREATEDB.
 */
public final class ScratchDatabases {
    public static final String PREFIX = "pgvault_verify_";
    private static final Logger LOG = LoggerFactory.getLogger(ScratchDatabases.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d{14})_[0-9a-f]{8}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DatabaseTarget server;
    private final Clock clock;

    /** @param server the scratch server, with the maintenance database to connect to for CREATE/DROP */
    public ScratchDatabases(DatabaseTarget server, Clock clock) {
        this.server = server;
        this.clock = clock;
    }

    /** The server as messages and records show it (no password). */
    public DatabaseTarget server() {
        return server;
    }

    /** A new name, unique enough for concurrent runs, that {@link #isScratchName} recognises. */
    public String newName() {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        return PREFIX + STAMP.format(LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)) + "_"
                + HexFormat.of().formatHex(random);
    }

    public static boolean isScratchName(String name) {
        return NAME.matcher(name).matches();
    }

    /** Creates the database (UTF8, from template0, as a backup's script expects an empty database). */
    public void create(String name) throws SQLException {
        requireScratch(name);
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            try {
                st.execute("CREATE DATABASE " + quote(name) + " TEMPLATE template0 ENCODING 'UTF8'");
            } catch (SQLException e) {
                if (!"22023".equals(e.getSQLState())) { // the server's locale cannot hold UTF8: take its default
                    throw e;
                }
                st.execute("CREATE DATABASE " + quote(name) + " TEMPLATE template0");
            }
        }
    }

    /**
     * Drops the database, ending any session still in it (a restore that was stopped). Returns
     * normally when it is gone, also when it never existed.
     */
    public void drop(String name) throws SQLException {
        requireScratch(name);
        try (Connection c = server.connect()) {
            DatabaseDrop.dropIfExists(c, name);
        }
    }

    /** Whether a database of that name exists on the server. */
    public boolean exists(String name) throws SQLException {
        try (Connection c = server.connect();
                PreparedStatement st = c.prepareStatement("SELECT 1 FROM pg_catalog.pg_database WHERE datname = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Drops the scratch databases that earlier runs left (killed before they could), those named
     * more than {@code olderThan} ago, so that a run still going on beside this one keeps its own.
     * Returns the names dropped. A database that cannot be dropped is logged and left for next time.
     */
    public List<String> dropLeftovers(Duration olderThan) throws SQLException {
        Instant horizon = clock.instant().minus(olderThan);
        List<String> candidates = new ArrayList<>();
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT datname FROM pg_catalog.pg_database WHERE datname LIKE '"
                        + PREFIX.replace("_", "\\_") + "%'")) {
            while (rs.next()) {
                candidates.add(rs.getString(1));
            }
        }
        List<String> dropped = new ArrayList<>();
        for (String name : candidates) {
            Matcher m = NAME.matcher(name);
            if (!m.matches()) {
                continue;
            }
            Instant named;
            try {
                named = LocalDateTime.parse(m.group(1), STAMP).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                continue;
            }
            if (!named.isBefore(horizon)) {
                continue;
            }
            try {
                drop(name);
                dropped.add(name);
                LOG.warn("dropped scratch database {} left by an earlier verification that did not finish", name);
            } catch (SQLException e) {
                LOG.warn("could not drop the leftover scratch database {}: {}", name, e.getMessage());
            }
        }
        return dropped;
    }

    private static void requireScratch(String name) {
        // Never anything but a scratch database, whatever a caller passes.
        if (!isScratchName(name)) {
            throw new IllegalArgumentException(name + " is not a scratch database name");
        }
    }

    private static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
