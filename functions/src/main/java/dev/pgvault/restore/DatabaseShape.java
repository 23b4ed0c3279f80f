package dev.pgvault.restore;

import dev.pgvault.dump.SettingAssignment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a database is beyond the objects a backup holds, as a {@code --clean} in place would keep
 * it: its owner, encoding and locale, connection limit, privileges, comment and settings
 * ({@code ALTER DATABASE ... SET}), and its {@code public} schema's owner, privileges and comment
 * with the default privileges (global and in {@code public}). A restore into a new database that
 * replaces an old one copies these first, so that the application's role can do in the new
 * database what it did in the old one (PostgreSQL 15+ gives no CREATE on public by default, and a
 * backup holds no privileges unless taken with {@code --keep-owners-and-privileges}).
 */
final class DatabaseShape {

    /** One privilege; {@code grantee} quoted, or PUBLIC. */
    record Grant(String grantee, String privilege, boolean grantable) {}

    /** {@code ALTER [ROLE role IN] DATABASE ... SET name = value}; role quoted or null. */
    record Setting(String role, String name, String value) {}

    /** Default privileges of {@code role} (quoted) for one object type, global or in public. */
    record DefaultAcl(String role, boolean inPublic, String objectType, List<Grant> grants) {}

    record Public(String owner, List<Grant> acl, String comment) {}

    final String name;
    final String owner;
    final boolean ownerIsUs;
    final String encoding;
    final String collate;
    final String ctype;
    final String localeProvider;
    final String locale;
    final int connectionLimit;
    final List<Grant> acl; // null: the defaults
    final String comment;
    final List<Setting> settings;
    private Public publicSchema; // null: read from the database itself, or it has none
    private List<DefaultAcl> defaultAcls = List.of();

    private DatabaseShape(String name, String owner, boolean ownerIsUs, String encoding, String collate, String ctype,
                          String localeProvider, String locale, int connectionLimit, List<Grant> acl, String comment,
                          List<Setting> settings) {
        this.name = name;
        this.owner = owner;
        this.ownerIsUs = ownerIsUs;
        this.encoding = encoding;
        this.collate = collate;
        this.ctype = ctype;
        this.localeProvider = localeProvider;
        this.locale = locale;
        this.connectionLimit = connectionLimit;
        this.acl = acl;
        this.comment = comment;
        this.settings = settings;
    }

    /** The database's own properties, read from any database of the server; null when it does not exist. */
    static DatabaseShape read(Connection admin, String database) throws SQLException {
        int version = Integer.parseInt(TargetDatabase.single(admin, "SELECT current_setting('server_version_num')"));
        String locale = version >= 170000 ? "d.datlocprovider::text, d.datlocale"
                : version >= 150000 ? "d.datlocprovider::text, d.daticulocale" : "NULL::text, NULL::text";
        String sql = "SELECT d.oid, quote_ident(pg_catalog.pg_get_userbyid(d.datdba)),"
                + " pg_catalog.pg_has_role(d.datdba, 'MEMBER'),"
                + " pg_catalog.pg_encoding_to_char(d.encoding), d.datcollate, d.datctype, " + locale + ","
                + " d.datconnlimit, d.datacl IS NOT NULL,"
                + " pg_catalog.shobj_description(d.oid, 'pg_database')"
                + " FROM pg_catalog.pg_database d WHERE d.datname = ?";
        long oid;
        DatabaseShape shape;
        try (PreparedStatement st = admin.prepareStatement(sql)) {
            st.setString(1, database);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                oid = rs.getLong(1);
                List<Grant> acl = rs.getBoolean(10) ? grants(admin, "SELECT " + EXPLODED
                        + " FROM pg_catalog.pg_database d, LATERAL pg_catalog.aclexplode(d.datacl) e"
                        + " WHERE d.oid = " + rs.getLong(1)) : null;
                shape = new DatabaseShape(database, rs.getString(2), rs.getBoolean(3), rs.getString(4), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8), rs.getInt(9), acl, rs.getString(11),
                        new ArrayList<>());
            }
        }
        try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT CASE WHEN s.setrole = 0 THEN NULL ELSE quote_ident(pg_catalog.pg_get_userbyid(s.setrole)) END,"
                        + " c.setting FROM pg_catalog.pg_db_role_setting s, LATERAL unnest(s.setconfig) c(setting)"
                        + " WHERE s.setdatabase = " + oid + " ORDER BY s.setrole, c.setting")) {
            while (rs.next()) {
                String[] pair = rs.getString(2).split("=", 2);
                shape.settings.add(new Setting(rs.getString(1), pair[0], pair.length > 1 ? pair[1] : ""));
            }
        }
        return shape;
    }

    /** Reads public and the default privileges from a connection to this database itself. */
    void readInside(Connection inside) throws SQLException {
        try (Statement st = inside.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT quote_ident(pg_catalog.pg_get_userbyid(n.nspowner)),"
                        + " pg_catalog.obj_description(n.oid, 'pg_namespace'), n.nspacl IS NULL"
                        + " FROM pg_catalog.pg_namespace n WHERE n.nspname = 'public'")) {
            if (rs.next()) {
                List<Grant> acl = rs.getBoolean(3) ? null : grants(inside, "SELECT " + EXPLODED
                        + " FROM pg_catalog.pg_namespace n, LATERAL pg_catalog.aclexplode(n.nspacl) e"
                        + " WHERE n.nspname = 'public'");
                publicSchema = new Public(rs.getString(1), acl, rs.getString(2));
            }
        }
        List<DefaultAcl> defaults = new ArrayList<>();
        try (Statement st = inside.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT a.oid, quote_ident(pg_catalog.pg_get_userbyid(a.defaclrole)), a.defaclnamespace <> 0,"
                        + " a.defaclobjtype::text FROM pg_catalog.pg_default_acl a"
                        + " WHERE a.defaclnamespace IN (0, 'public'::regnamespace) ORDER BY 2, 3, 4")) {
            while (rs.next()) {
                defaults.add(new DefaultAcl(rs.getString(2), rs.getBoolean(3), rs.getString(4), grants(inside,
                        "SELECT " + EXPLODED + " FROM pg_catalog.pg_default_acl a,"
                                + " LATERAL pg_catalog.aclexplode(a.defaclacl) e WHERE a.oid = " + rs.getLong(1))));
            }
        }
        defaultAcls = defaults;
    }

    /** CREATE DATABASE for a new database shaped as this one: template0, same encoding and locale, same owner if we may. */
    String createDatabase(String newName) {
        StringBuilder sql = new StringBuilder("CREATE DATABASE ").append(identifier(newName))
                .append(" TEMPLATE template0 ENCODING ").append(literal(encoding))
                .append(" LC_COLLATE ").append(literal(collate)).append(" LC_CTYPE ").append(literal(ctype));
        if ("i".equals(localeProvider) && locale != null) {
            sql.append(" LOCALE_PROVIDER icu ICU_LOCALE ").append(literal(locale));
        } else if ("b".equals(localeProvider) && locale != null) {
            sql.append(" LOCALE_PROVIDER builtin BUILTIN_LOCALE ").append(literal(locale));
        }
        if (ownerIsUs) {
            sql.append(" OWNER ").append(owner);
        }
        return sql.toString();
    }

    /** The ALTER/GRANT/COMMENT statements that give the new database this one's properties, run from any database. */
    List<String> databaseStatements(String newName) {
        String db = identifier(newName);
        List<String> statements = new ArrayList<>();
        if (connectionLimit != -1) {
            statements.add("ALTER DATABASE " + db + " CONNECTION LIMIT " + connectionLimit);
        }
        if (acl != null) {
            statements.add("REVOKE ALL ON DATABASE " + db + " FROM PUBLIC");
            for (Grant grant : acl) {
                if (!grant.grantee().equals(owner)) {
                    statements.add(grant("GRANT " + grant.privilege() + " ON DATABASE " + db, grant));
                }
            }
        }
        if (comment != null) {
            statements.add("COMMENT ON DATABASE " + db + " IS " + literal(comment));
        }
        for (Setting setting : settings) {
            statements.add("ALTER " + (setting.role() == null ? "" : "ROLE " + setting.role() + " IN ")
                    + "DATABASE " + db + " SET " + SettingAssignment.of(setting.name(), setting.value()));
        }
        return statements;
    }

    /**
     * Gives the new database's public this database's owner, privileges and comment, and copies the
     * default privileges; each statement that fails (a role this role may not act for) is told to
     * {@code warnings} and skipped. Runs in the new database, before the restore creates anything.
     */
    void applyInside(Connection fresh, Consumer<String> warnings) throws SQLException {
        List<String> statements = new ArrayList<>();
        if (publicSchema != null) {
            String currentOwner = TargetDatabase.single(fresh, "SELECT quote_ident(pg_catalog.pg_get_userbyid(nspowner))"
                    + " FROM pg_catalog.pg_namespace WHERE nspname = 'public'");
            if (currentOwner == null) {
                statements.add("CREATE SCHEMA public AUTHORIZATION " + publicSchema.owner());
            } else if (!currentOwner.equals(publicSchema.owner())) {
                statements.add("ALTER SCHEMA public OWNER TO " + publicSchema.owner());
            }
            if (publicSchema.acl() != null) {
                Set<Grant> wanted = new LinkedHashSet<>(publicSchema.acl());
                Set<Grant> present = new LinkedHashSet<>(currentOwner == null ? List.of() : grants(fresh, "SELECT "
                        + EXPLODED + " FROM pg_catalog.pg_namespace n, LATERAL pg_catalog.aclexplode(n.nspacl) e"
                        + " WHERE n.nspname = 'public' AND n.nspacl IS NOT NULL"));
                for (Grant grant : present) {
                    if (!wanted.contains(grant) && !grant.grantee().equals(publicSchema.owner())) {
                        statements.add("REVOKE " + grant.privilege() + " ON SCHEMA public FROM " + grant.grantee());
                    }
                }
                for (Grant grant : wanted) {
                    if (!present.contains(grant) && !grant.grantee().equals(publicSchema.owner())) {
                        statements.add(grant("GRANT " + grant.privilege() + " ON SCHEMA public", grant));
                    }
                }
            }
            String currentComment = TargetDatabase.single(fresh,
                    "SELECT pg_catalog.obj_description('public'::regnamespace, 'pg_namespace')");
            if (!Objects.equals(currentComment, publicSchema.comment())) {
                statements.add("COMMENT ON SCHEMA public IS "
                        + (publicSchema.comment() == null ? "NULL" : literal(publicSchema.comment())));
            }
        }
        for (DefaultAcl defaults : defaultAcls) {
            String kind = switch (defaults.objectType()) {
                case "r" -> "TABLES";
                case "S" -> "SEQUENCES";
                case "f" -> "FUNCTIONS";
                case "T" -> "TYPES";
                case "n" -> "SCHEMAS";
                case "L" -> "LARGE OBJECTS";
                default -> null;
            };
            if (kind == null) {
                continue;
            }
            String prefix = "ALTER DEFAULT PRIVILEGES FOR ROLE " + defaults.role()
                    + (defaults.inPublic() ? " IN SCHEMA public" : "");
            boolean publicGranted = false;
            for (Grant grant : defaults.grants()) {
                publicGranted |= grant.grantee().equals("PUBLIC");
                if (!grant.grantee().equals(defaults.role())) {
                    statements.add(grant(prefix + " GRANT " + grant.privilege() + " ON " + kind, grant));
                }
            }
            // Globally, functions and types are usable by everyone unless taken away.
            if (!defaults.inPublic() && !publicGranted && (kind.equals("FUNCTIONS") || kind.equals("TYPES"))) {
                statements.add(prefix + " REVOKE " + (kind.equals("FUNCTIONS") ? "EXECUTE" : "USAGE") + " ON " + kind
                        + " FROM PUBLIC");
            }
        }
        for (String statement : statements) {
            runOrWarn(fresh, statement, warnings);
        }
    }

    static void runOrWarn(Connection connection, String statement, Consumer<String> warnings) throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        java.sql.Savepoint savepoint = autoCommit ? null : connection.setSavepoint();
        try (Statement st = connection.createStatement()) {
            st.execute(statement);
            if (savepoint != null) {
                connection.releaseSavepoint(savepoint);
            }
        } catch (SQLException e) {
            if (savepoint != null) {
                connection.rollback(savepoint);
            }
            warnings.accept("could not copy a property of the database (" + statement + "): " + e.getMessage());
        }
    }

    private static final String EXPLODED = "CASE WHEN e.grantee = 0 THEN 'PUBLIC'"
            + " ELSE quote_ident(pg_catalog.pg_get_userbyid(e.grantee)) END, e.privilege_type, e.is_grantable";

    private static List<Grant> grants(Connection connection, String sql) throws SQLException {
        List<Grant> grants = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                grants.add(new Grant(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
            }
        }
        return grants;
    }

    private static String grant(String head, Grant grant) {
        return head + " TO " + grant.grantee() + (grant.grantable() ? " WITH GRANT OPTION" : "");
    }

    static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
