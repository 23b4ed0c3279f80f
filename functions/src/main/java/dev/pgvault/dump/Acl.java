package dev.pgvault.dump;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * GRANT and REVOKE statements that rebuild an access control list exactly: the default
 * privileges are revoked, then each entry is granted again in the list's order (which keeps
 * the order of the list too). Entries granted by someone other than the owner are granted
 * under that role's session authorization, as pg_dump does.
 */
final class Acl {
    /** One privilege of one aclexplode() row; names quoted, grantee "PUBLIC" for everyone. */
    record Entry(String grantor, String grantee, String privilege, boolean grantable) {}

    /** The SQL fragment that lists the entries of an aclexplode() query: grantor, grantee, privilege, grantable. */
    static final String EXPLODED = "quote_ident(pg_catalog.pg_get_userbyid(e.grantor)),"
            + " CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(e.grantee)) END,"
            + " e.privilege_type, e.is_grantable";

    private Acl() {}

    static Entry entry(ResultSet rs, int firstColumn) throws SQLException {
        return new Entry(rs.getString(firstColumn), rs.getString(firstColumn + 1), rs.getString(firstColumn + 2),
                rs.getBoolean(firstColumn + 3));
    }

    /** The statements for {@code target} ("TABLE public.t") owned by {@code owner} with these entries. */
    static String render(String target, String owner, List<Entry> entries) {
        StringBuilder sql = new StringBuilder()
                .append("REVOKE ALL ON ").append(target).append(" FROM PUBLIC;\n")
                .append("REVOKE ALL ON ").append(target).append(" FROM ").append(owner).append(";\n");
        grants(sql, "", target, owner, entries);
        return sql.toString();
    }

    /** GRANTs for column privileges: "SELECT (col) ON TABLE t". */
    static String renderColumn(String table, String column, String owner, List<Entry> entries) {
        StringBuilder sql = new StringBuilder();
        grants(sql, " (" + column + ")", "TABLE " + table, owner, entries);
        return sql.toString();
    }

    /**
     * The statements that turn {@code baseline} (what the object has in a new database: its
     * initial privileges, or the built-in default) into {@code current}: REVOKE what went, GRANT
     * what came. For built-in objects and extension members, which the restore does not create.
     */
    static String renderDelta(String target, String columns, String owner, List<Entry> baseline, List<Entry> current) {
        StringBuilder sql = new StringBuilder();
        for (Entry was : baseline) {
            Entry now = current.stream().filter(e -> e.grantee().equals(was.grantee())
                    && e.privilege().equals(was.privilege())).findFirst().orElse(null);
            if (now == null) {
                sql.append("REVOKE ").append(was.privilege()).append(columns).append(" ON ").append(target)
                        .append(" FROM ").append(was.grantee()).append(";\n");
            } else if (was.grantable() && !now.grantable()) {
                sql.append("REVOKE GRANT OPTION FOR ").append(was.privilege()).append(columns).append(" ON ")
                        .append(target).append(" FROM ").append(was.grantee()).append(";\n");
            }
        }
        List<Entry> added = new ArrayList<>();
        for (Entry now : current) {
            boolean had = baseline.stream().anyMatch(e -> e.grantee().equals(now.grantee())
                    && e.privilege().equals(now.privilege()) && (e.grantable() || !now.grantable()));
            if (!had) {
                added.add(now);
            }
        }
        grants(sql, columns, target, owner, added);
        return sql.toString();
    }

    /** Consecutive privileges of the same grantor, grantee and grant option become one GRANT. */
    private static void grants(StringBuilder sql, String columns, String target, String owner, List<Entry> entries) {
        int i = 0;
        while (i < entries.size()) {
            Entry first = entries.get(i);
            List<String> privileges = new ArrayList<>();
            int j = i;
            while (j < entries.size() && entries.get(j).grantor().equals(first.grantor())
                    && entries.get(j).grantee().equals(first.grantee())
                    && entries.get(j).grantable() == first.grantable()) {
                privileges.add(entries.get(j).privilege() + columns);
                j++;
            }
            boolean otherGrantor = !first.grantor().equals(owner);
            if (otherGrantor) {
                sql.append("SET SESSION AUTHORIZATION ").append(first.grantor()).append(";\n");
            }
            sql.append("GRANT ").append(String.join(",", privileges)).append(" ON ").append(target).append(" TO ")
                    .append(first.grantee()).append(first.grantable() ? " WITH GRANT OPTION" : "").append(";\n");
            if (otherGrantor) {
                sql.append("RESET SESSION AUTHORIZATION;\n");
            }
            i = j;
        }
    }

    static String forLargeObject(Connection connection, long oid) throws SQLException {
        String owner = null;
        List<Entry> entries = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("SELECT quote_ident(pg_catalog.pg_get_userbyid(m.lomowner)),"
                + " " + EXPLODED + " FROM pg_catalog.pg_largeobject_metadata m"
                + " LEFT JOIN LATERAL pg_catalog.aclexplode(m.lomacl) WITH ORDINALITY"
                + " AS e(grantor, grantee, privilege_type, is_grantable, ord) ON true"
                + " WHERE m.oid = ?::pg_catalog.oid ORDER BY e.ord")) {
            st.setLong(1, oid);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    owner = rs.getString(1);
                    if (rs.getString(3) != null) {
                        entries.add(entry(rs, 2));
                    }
                }
            }
        }
        return render("LARGE OBJECT " + oid, owner, entries);
    }
}
