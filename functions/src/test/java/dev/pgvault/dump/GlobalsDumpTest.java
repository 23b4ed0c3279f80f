package dev.pgvault.dump;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pgvault.testing.PgTools;
import dev.pgvault.testing.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The roles script ({@code backup --globals}) on a real PostgreSQL, run back by real {@code psql}:
 * the roles a database needs come back with their attributes, memberships, settings and comments
 * after being dropped; roles the database does not refer to are left out; no password is written;
 * a role that exists where it is run is kept as it is.
 */
class GlobalsDumpTest {
    @RegisterExtension
    final TestDatabase db = new TestDatabase();

    @TempDir
    Path files;

    private final String s = UUID.randomUUID().toString().replace("-", "").substring(0, 6);
    private final String owner = "gd_owner_" + s;
    private final String readers = "gd_readers_" + s;
    private final String app = "gd_app_" + s;
    private final String unrelated = "gd_unrelated_" + s;
    private final String existing = "gd_existing_" + s;

    @AfterEach
    void dropRoles() {
        for (String role : List.of(app, readers, owner, unrelated, existing)) {
            if (db.queryLong("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "'") == 1) {
                db.execute("DROP OWNED BY " + role);
            }
            db.execute("postgres", "DROP ROLE IF EXISTS " + role);
        }
    }

    private void application() {
        db.execute("postgres", "CREATE ROLE " + owner + " NOLOGIN CREATEDB;"
                + " CREATE ROLE " + readers + " NOLOGIN;"
                + " CREATE ROLE \"" + app + "\" LOGIN CONNECTION LIMIT 20 VALID UNTIL '2031-01-01 00:00:00+00'"
                + " PASSWORD 'app-secret-pw';"
                + " CREATE ROLE " + unrelated + " LOGIN;"
                + " GRANT " + readers + " TO " + app + ";"
                + " GRANT pg_read_all_stats TO " + app + ";"
                + " COMMENT ON ROLE " + app + " IS 'the auth service''s login';"
                + " ALTER ROLE " + app + " SET search_path TO auth, public;"
                + " ALTER ROLE " + app + " SET statement_timeout TO '30s';"
                + " ALTER ROLE " + app + " IN DATABASE " + db.name() + " SET work_mem TO '8MB'");
        db.execute("CREATE SCHEMA auth AUTHORIZATION " + owner + ";"
                + " CREATE TABLE auth.users (id int PRIMARY KEY);"
                + " ALTER TABLE auth.users OWNER TO " + owner + ";"
                + " GRANT USAGE ON SCHEMA auth TO " + readers + ";"
                + " GRANT SELECT ON auth.users TO " + readers);
    }

    @Test
    void theRolesComeBackAsTheyWereFromPsql() throws Exception {
        application();
        String before = describeRoles();
        GlobalsDump.Globals globals;
        try (Connection c = db.connect()) {
            globals = GlobalsDump.read(c);
        }
        assertThat(globals.sql()).contains(owner).contains(readers).contains(app)
                .doesNotContain(unrelated)
                .doesNotContain("PASSWORD '").doesNotContain("app-secret-pw")
                .doesNotContain("CREATE ROLE \"pg_read_all_stats\"").contains("GRANT \"pg_read_all_stats\" TO");
        assertThat(globals.roles()).isEqualTo(3 + superusersNeeded());
        assertThat(globals.memberships()).isGreaterThanOrEqualTo(2);
        assertThat(globals.settings()).isEqualTo(3);

        // Lose the roles (with what they own and their privileges), then run the script by psql.
        db.execute("DROP SCHEMA auth CASCADE");
        db.execute("postgres", "DROP ROLE " + app + "; DROP ROLE " + readers + "; DROP ROLE " + owner);
        Path script = Files.writeString(files.resolve("globals.sql"), globals.sql());
        PgTools.Result run = PgTools.forServer(db.server()).psqlFilePlain(db.name(), script);
        assertThat(run.exitCode()).as(run.stderr()).isZero();

        assertThat(describeRoles()).isEqualTo(before);
    }

    @Test
    void aRoleThatExistsWhereItIsRunIsKeptAsItIs() throws Exception {
        db.execute("postgres", "CREATE ROLE " + existing + " LOGIN CREATEDB");
        db.execute("CREATE TABLE t (id int); ALTER TABLE t OWNER TO " + existing);
        String script;
        try (Connection c = db.connect()) {
            script = GlobalsDump.read(c).sql();
        }
        assertThat(script).contains("CREATE ROLE \"" + existing + "\" WITH NOSUPERUSER INHERIT NOCREATEROLE CREATEDB LOGIN");
        // Where it runs, the role exists with other attributes: the script says so and goes on; nothing changes.
        db.execute("postgres", "ALTER ROLE " + existing + " NOCREATEDB NOLOGIN");
        PgTools.Result run = PgTools.forServer(db.server()).psqlFilePlain(db.name(),
                Files.writeString(files.resolve("again.sql"), script));
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stderr()).contains("role \"" + existing + "\" exists where this runs: kept as it is");
        assertThat(db.queryLong("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = '" + existing
                + "' AND NOT rolcreatedb AND NOT rolcanlogin")).isEqualTo(1);
    }

    /** The test database's owner (the server's superuser) is referenced too; it is in the script, and exists. */
    private long superusersNeeded() {
        return db.queryLong("postgres", "SELECT count(*) FROM pg_database d JOIN pg_roles r ON r.oid = d.datdba"
                + " WHERE d.datname = '" + db.name() + "'");
    }

    /** Attributes, memberships, settings and comments of the test's roles, as text to compare. */
    private String describeRoles() throws Exception {
        List<String> lines = new ArrayList<>();
        String like = "gd\\_%\\_" + s;
        try (Connection c = db.server().connect("postgres"); Statement st = c.createStatement()) {
            query(st, lines, "SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin,"
                    + " rolconnlimit, rolvaliduntil, shobj_description(oid, 'pg_authid') FROM pg_roles"
                    + " WHERE rolname LIKE '" + like + "' ORDER BY 1");
            query(st, lines, "SELECT r.rolname, u.rolname, m.admin_option FROM pg_auth_members m"
                    + " JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member"
                    + " WHERE u.rolname LIKE '" + like + "' ORDER BY 1, 2");
            query(st, lines, "SELECT r.rolname, d.datname, s.setconfig FROM pg_db_role_setting s"
                    + " JOIN pg_roles r ON r.oid = s.setrole LEFT JOIN pg_database d ON d.oid = s.setdatabase"
                    + " WHERE r.rolname LIKE '" + like + "' ORDER BY 1, 2");
        }
        return String.join("\n", lines);
    }

    private static void query(Statement st, List<String> lines, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder line = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    line.append(rs.getString(i)).append('|');
                }
                lines.add(line.toString());
            }
        }
    }
}
