package dev.pgvault.dump;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The roles a database's objects need, as a script to run on a new instance before restoring a
 * backup taken with owners and privileges: like {@code pg_dumpall --globals-only
 * --no-role-passwords}, but only the roles this database refers to, and read from {@code pg_roles}
 * (what RDS lets its master user read; {@code pg_authid} is not readable there).
 *
 * <p>Which roles: those that own objects in the database, hold privileges on them, own or may
 * connect to the database, or have settings in it (from {@code pg_shdepend} and the database's
 * row); the roles that are members of those (the application's login roles of a group), and the
 * roles all of those are members of, so that memberships can be granted. Roles whose names start
 * with {@code pg_} are the server's own and are never created; memberships in them are kept.
 *
 * <p>Why the script never alters a role that exists: the target's roles are the target's (its
 * master user may be a superuser there and not here). Each {@code CREATE ROLE} carries the
 * role's attributes, in a block that only reports a role that exists (there is no CREATE ROLE IF
 * NOT EXISTS), so the script runs to its end under {@code ON_ERROR_STOP}.
 * Passwords are never written (they are not readable on RDS, and do not belong in a backup): set
 * them with {@code ALTER ROLE ... PASSWORD} or use IAM authentication.
 */
public final class GlobalsDump {
    /** The script and what it holds. */
    public record Globals(String sql, int roles, int memberships, int settings) {}

    private static final String NEEDED = """
            WITH RECURSIVE db AS (
                SELECT oid, datdba, datacl FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()
            ), direct AS (
                SELECT d.refobjid AS role FROM pg_catalog.pg_shdepend d, db
                 WHERE d.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass AND d.dbid = db.oid
                UNION SELECT datdba FROM db
                UNION SELECT s.setrole FROM pg_catalog.pg_db_role_setting s, db WHERE s.setdatabase = db.oid
                UNION SELECT (pg_catalog.aclexplode(datacl)).grantee FROM db WHERE datacl IS NOT NULL
            ), members(role) AS (
                SELECT role FROM direct
                UNION SELECT m.member FROM pg_catalog.pg_auth_members m JOIN members ON m.roleid = members.role
            ), closure(role) AS (
                SELECT role FROM members
                UNION SELECT m.roleid FROM pg_catalog.pg_auth_members m JOIN closure ON m.member = closure.role
            )
            SELECT r.oid, r.rolname, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin,
                   r.rolreplication, r.rolbypassrls, r.rolconnlimit, r.rolvaliduntil::text,
                   pg_catalog.shobj_description(r.oid, 'pg_authid')
              FROM pg_catalog.pg_roles r WHERE r.oid IN (SELECT role FROM closure)
             ORDER BY r.rolname COLLATE "C"
            """;

    private GlobalsDump() {}

    /** Reads the roles (no transaction needed: roles are the instance's, not the snapshot's). */
    public static Globals read(Connection connection) throws SQLException {
        int version = connection.getMetaData().getDatabaseMajorVersion();
        List<Long> oids = new ArrayList<>();
        List<String> created = new ArrayList<>();
        StringBuilder roles = new StringBuilder();
        StringBuilder comments = new StringBuilder();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(NEEDED)) {
            while (rs.next()) {
                oids.add(rs.getLong(1));
                String name = rs.getString(2);
                if (name.startsWith("pg_")) {
                    continue; // the server's own: exists everywhere, cannot be created
                }
                created.add(name);
                StringBuilder create = new StringBuilder("CREATE ROLE ").append(SqlText.ident(name)).append(" WITH")
                        .append(flag(rs.getBoolean(3), "SUPERUSER"))
                        .append(flag(rs.getBoolean(4), "INHERIT"))
                        .append(flag(rs.getBoolean(5), "CREATEROLE"))
                        .append(flag(rs.getBoolean(6), "CREATEDB"))
                        .append(flag(rs.getBoolean(7), "LOGIN"))
                        .append(flag(rs.getBoolean(8), "REPLICATION"))
                        .append(flag(rs.getBoolean(9), "BYPASSRLS"));
                if (rs.getInt(10) != -1) {
                    create.append(" CONNECTION LIMIT ").append(rs.getInt(10));
                }
                if (rs.getString(11) != null && !"infinity".equals(rs.getString(11))) {
                    create.append(" VALID UNTIL ").append(SqlText.literal(rs.getString(11)));
                }
                roles.append(createUnlessExists(name, create.toString())).append('\n');
                if (rs.getString(12) != null) {
                    comments.append("COMMENT ON ROLE ").append(SqlText.ident(name)).append(" IS ")
                            .append(SqlText.literal(rs.getString(12))).append(";\n");
                }
            }
        }
        StringBuilder grants = new StringBuilder();
        int memberships = memberships(connection, version, oids, grants);
        StringBuilder settings = new StringBuilder();
        int settingCount = settings(connection, oids, settings);

        StringBuilder sql = new StringBuilder()
                .append("-- Roles for database ").append(connection.getCatalog()).append(", written by pgvault.\n")
                .append("-- Run as a role with CREATEROLE (the RDS master user) on the new instance, before the restore:\n")
                .append("--   psql -v ON_ERROR_STOP=1 -d postgres -f this-file.sql    (a role that exists is kept as it is)\n")
                .append("-- No passwords: set them afterwards (ALTER ROLE ... PASSWORD) or use IAM authentication.\n")
                .append("SET standard_conforming_strings = on;\n\n")
                .append(roles);
        if (!comments.isEmpty()) {
            sql.append('\n').append(comments);
        }
        if (!grants.isEmpty()) {
            sql.append('\n').append(grants);
        }
        if (!settings.isEmpty()) {
            sql.append('\n').append(settings);
        }
        return new Globals(sql.toString(), created.size(), memberships, settingCount);
    }

    private static int memberships(Connection connection, int version, List<Long> oids, StringBuilder out)
            throws SQLException {
        // PostgreSQL 16 gave each membership INHERIT and SET options; before, INHERIT was the member's.
        String options = version >= 16 ? ", m.inherit_option, m.set_option" : ", true, true";
        String sql = "SELECT r.rolname, u.rolname, m.admin_option" + options
                + " FROM pg_catalog.pg_auth_members m"
                + " JOIN pg_catalog.pg_roles r ON r.oid = m.roleid JOIN pg_catalog.pg_roles u ON u.oid = m.member"
                + " WHERE m.member = ANY(?) ORDER BY r.rolname COLLATE \"C\", u.rolname COLLATE \"C\"";
        int count = 0;
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setArray(1, oidArray(connection, oids));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    List<String> with = new ArrayList<>();
                    if (rs.getBoolean(3)) {
                        with.add(version >= 16 ? "ADMIN TRUE" : "ADMIN OPTION");
                    }
                    if (!rs.getBoolean(4)) {
                        with.add("INHERIT FALSE");
                    }
                    if (!rs.getBoolean(5)) {
                        with.add("SET FALSE");
                    }
                    out.append("GRANT ").append(SqlText.ident(rs.getString(1)))
                            .append(" TO ").append(SqlText.ident(rs.getString(2)))
                            .append(with.isEmpty() ? "" : " WITH " + String.join(", ", with)).append(";\n");
                    count++;
                }
            }
        }
        return count;
    }

    /** The roles' own settings, and their settings in this database. */
    private static int settings(Connection connection, List<Long> oids, StringBuilder out) throws SQLException {
        String sql = "SELECT r.rolname, s.setdatabase <> 0, pg_catalog.unnest(s.setconfig)"
                + " FROM pg_catalog.pg_db_role_setting s JOIN pg_catalog.pg_roles r ON r.oid = s.setrole"
                + " WHERE s.setrole = ANY(?) AND (s.setdatabase = 0 OR s.setdatabase ="
                + " (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database()))"
                + " ORDER BY r.rolname COLLATE \"C\", s.setdatabase";
        int count = 0;
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setArray(1, oidArray(connection, oids));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String config = rs.getString(3);
                    int eq = config.indexOf('=');
                    out.append("ALTER ROLE ").append(SqlText.ident(rs.getString(1)))
                            .append(rs.getBoolean(2) ? " IN DATABASE " + SqlText.ident(connection.getCatalog()) : "")
                            .append(" SET ").append(SettingAssignment.of(config.substring(0, eq), config.substring(eq + 1)))
                            .append(";\n");
                    count++;
                }
            }
        }
        return count;
    }

    /**
     * The CREATE in a block that reports an existing role and goes on, so that the script runs to
     * the end under {@code psql -v ON_ERROR_STOP=1} too (there is no CREATE ROLE IF NOT EXISTS).
     */
    private static String createUnlessExists(String name, String create) {
        String notice = SqlText.literal("role " + SqlText.ident(name) + " exists where this runs: kept as it is");
        String body = "BEGIN " + create + "; EXCEPTION WHEN duplicate_object THEN RAISE NOTICE " + notice.replace("%", "%%")
                + "; END";
        String tag = "$pgvault$";
        for (int i = 0; body.contains(tag); i++) {
            tag = "$pgvault" + i + "$";
        }
        return "DO " + tag + body + tag + ";";
    }

    private static Array oidArray(Connection connection, List<Long> oids) throws SQLException {
        return connection.createArrayOf("oid", oids.toArray());
    }

    private static String flag(boolean on, String attribute) {
        return " " + (on ? "" : "NO") + attribute;
    }

}
