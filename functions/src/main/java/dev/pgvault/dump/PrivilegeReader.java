package dev.pgvault.dump;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Owners and privileges, only when the dump keeps them ({@link DumpOptions#keepOwnersAndPrivileges()}):
 * {@code ALTER ... OWNER TO} right after each object's creation, the GRANT/REVOKE statements that
 * rebuild its access list (and its columns') at the end, and {@code ALTER DEFAULT PRIVILEGES}.
 * The roles must exist where the dump is restored; roles themselves are cluster-wide and not
 * part of a database's dump (as with pg_dump).
 */
final class PrivilegeReader {
    private PrivilegeReader() {}

    /** Where each catalog keeps owner and access list. */
    private record Columns(String owner, String acl) {}

    private static final Map<String, Columns> CATALOGS = Map.of(
            "pg_class", new Columns("relowner", "relacl"),
            "pg_proc", new Columns("proowner", "proacl"),
            "pg_type", new Columns("typowner", "typacl"),
            "pg_namespace", new Columns("nspowner", "nspacl"),
            "pg_collation", new Columns("collowner", null),
            "pg_statistic_ext", new Columns("stxowner", null));

    static void read(Catalog catalog) throws SQLException {
        Map<String, Map<Long, Catalog.Owned>> byCatalog = new LinkedHashMap<>();
        for (Catalog.Owned owned : catalog.owned()) {
            byCatalog.computeIfAbsent(owned.ref().catalog(), k -> new LinkedHashMap<>()).put(owned.ref().oid(), owned);
        }
        for (Map.Entry<String, Map<Long, Catalog.Owned>> entry : byCatalog.entrySet()) {
            read(catalog, entry.getKey(), CATALOGS.get(entry.getKey()), entry.getValue());
        }
        columnPrivileges(catalog, byCatalog.getOrDefault("pg_class", Map.of()));
        defaultPrivileges(catalog);
    }

    private static void read(Catalog catalog, String table, Columns columns, Map<Long, Catalog.Owned> objects)
            throws SQLException {
        Map<Long, String> owners = new HashMap<>();
        List<Long> withAcl = new ArrayList<>();
        String defaultAcl = table.equals("pg_namespace")
                // public's privileges as initdb set them are no change to restore (pg_init_privs has them).
                ? " AND x.nspacl IS DISTINCT FROM (SELECT i.initprivs FROM pg_catalog.pg_init_privs i"
                + " WHERE i.objoid = x.oid AND i.classoid = 'pg_catalog.pg_namespace'::regclass AND i.objsubid = 0)"
                : "";
        // public's owner as initdb made it (the bootstrap superuser, from 15 pg_database_owner) is
        // no change to restore; restating it would need a superuser on RDS.
        String initialOwner = "x." + columns.owner() + " = 10 OR pg_catalog.pg_get_userbyid(x." + columns.owner()
                + ") = 'pg_database_owner'";
        String sql = "SELECT x.oid, quote_ident(pg_catalog.pg_get_userbyid(x." + columns.owner() + ")),"
                + " " + initialOwner + ", "
                + (columns.acl() == null ? "false" : "x." + columns.acl() + " IS NOT NULL" + defaultAcl)
                + " FROM pg_catalog." + table + " x WHERE x.oid = ANY(?::pg_catalog.oid[])";
        catalog.query(sql, rs -> {
            Catalog.Owned owned = objects.get(rs.getLong(1));
            owners.put(owned.ref().oid(), rs.getString(2));
            boolean publicSchema = table.equals("pg_namespace") && owned.ownerSql().equals("SCHEMA public");
            if (owned.ownerSql() != null && !(publicSchema && rs.getBoolean(3))) {
                owned.item().appendSql("ALTER " + owned.ownerSql() + " OWNER TO " + rs.getString(2) + ";\n");
            }
            if (rs.getBoolean(4) && owned.grantSql() != null) {
                withAcl.add(owned.ref().oid());
            }
        }, catalog.oids(new ArrayList<>(objects.keySet())));
        if (withAcl.isEmpty()) {
            return;
        }
        Map<Long, List<Acl.Entry>> entries = new LinkedHashMap<>();
        for (long oid : withAcl) {
            entries.put(oid, new ArrayList<>());
        }
        catalog.query("SELECT x.oid, " + Acl.EXPLODED + " FROM pg_catalog." + table + " x,"
                + " LATERAL pg_catalog.aclexplode(x." + columns.acl() + ") WITH ORDINALITY"
                + " AS e(grantor, grantee, privilege_type, is_grantable, ord)"
                + " WHERE x.oid = ANY(?::pg_catalog.oid[]) ORDER BY x.oid, e.ord",
                rs -> entries.get(rs.getLong(1)).add(Acl.entry(rs, 2)), catalog.oids(withAcl));
        for (Map.Entry<Long, List<Acl.Entry>> acl : entries.entrySet()) {
            Catalog.Owned owned = objects.get(acl.getKey());
            aclItem(catalog, owned).appendSql(Acl.render(owned.grantSql(), owners.get(acl.getKey()), acl.getValue()));
        }
    }

    private static DumpItem aclItem(Catalog catalog, Catalog.Owned owned) {
        ObjectRef ref = new ObjectRef("acl:" + owned.ref().catalog(), owned.ref().oid());
        DumpItem item = catalog.item(ref);
        if (item == null) {
            item = DumpItem.ddl(ref, ItemKind.ACL, "privileges on " + owned.grantSql().toLowerCase(),
                    owned.item().sortName(), "");
            catalog.add(item);
            item.dependOn(owned.item());
        }
        return item;
    }

    private static void columnPrivileges(Catalog catalog, Map<Long, Catalog.Owned> relations) throws SQLException {
        if (relations.isEmpty()) {
            return;
        }
        Map<Long, String> owners = new HashMap<>();
        catalog.query("SELECT c.oid, quote_ident(pg_catalog.pg_get_userbyid(c.relowner)) FROM pg_catalog.pg_class c"
                        + " WHERE c.oid = ANY(?::pg_catalog.oid[])", rs -> owners.put(rs.getLong(1), rs.getString(2)),
                catalog.oids(new ArrayList<>(relations.keySet())));
        Map<String, List<Acl.Entry>> entries = new LinkedHashMap<>();
        catalog.query("SELECT a.attrelid, quote_ident(a.attname), " + Acl.EXPLODED + " FROM pg_catalog.pg_attribute a,"
                + " LATERAL pg_catalog.aclexplode(a.attacl) WITH ORDINALITY AS e(grantor, grantee, privilege_type,"
                + " is_grantable, ord) WHERE a.attrelid = ANY(?::pg_catalog.oid[]) AND a.attnum > 0"
                + " AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum, e.ord",
                rs -> entries.computeIfAbsent(rs.getLong(1) + "\u0000" + rs.getString(2), k -> new ArrayList<>())
                        .add(Acl.entry(rs, 3)),
                catalog.oids(new ArrayList<>(relations.keySet())));
        for (Map.Entry<String, List<Acl.Entry>> column : entries.entrySet()) {
            String[] key = column.getKey().split("\u0000", 2);
            Catalog.Owned owned = relations.get(Long.parseLong(key[0]));
            if (owned.grantSql() == null || !owned.grantSql().startsWith("TABLE ")) {
                continue;
            }
            String table = owned.grantSql().substring("TABLE ".length());
            aclItem(catalog, owned).appendSql(Acl.renderColumn(table, key[1], owners.get(owned.ref().oid()),
                    column.getValue()));
        }
    }

    private static void defaultPrivileges(Catalog catalog) throws SQLException {
        Map<Long, StringBuilder> statements = new LinkedHashMap<>();
        Map<Long, String[]> heads = new HashMap<>();
        catalog.query("SELECT d.oid, quote_ident(pg_catalog.pg_get_userbyid(d.defaclrole)), d.defaclnamespace,"
                + " quote_ident(n.nspname), d.defaclobjtype, " + Acl.EXPLODED
                + " FROM pg_catalog.pg_default_acl d LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace"
                + " LEFT JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) WITH ORDINALITY"
                + " AS e(grantor, grantee, privilege_type, is_grantable, ord) ON true"
                + " ORDER BY d.oid, e.ord", rs -> {
                    long oid = rs.getLong(1);
                    String objects = switch (rs.getString(5)) {
                        case "S" -> "SEQUENCES";
                        case "f" -> "FUNCTIONS";
                        case "T" -> "TYPES";
                        case "n" -> "SCHEMAS";
                        case "L" -> "LARGE OBJECTS";
                        default -> "TABLES";
                    };
                    String prefix = "ALTER DEFAULT PRIVILEGES FOR ROLE " + rs.getString(2)
                            + (rs.getLong(3) == 0 ? "" : " IN SCHEMA " + rs.getString(4));
                    StringBuilder sql = statements.computeIfAbsent(oid, k -> new StringBuilder());
                    if (!heads.containsKey(oid)) {
                        heads.put(oid, new String[] {String.valueOf(rs.getLong(3))});
                        if (rs.getLong(3) == 0) {
                            // A global entry replaces the built-in defaults rather than adding to them.
                            sql.append(prefix).append(" REVOKE ALL ON ").append(objects).append(" FROM PUBLIC;\n")
                                    .append(prefix).append(" REVOKE ALL ON ").append(objects).append(" FROM ")
                                    .append(rs.getString(2)).append(";\n");
                        }
                    }
                    if (rs.getString(8) != null) {
                        sql.append(prefix).append(" GRANT ").append(rs.getString(8)).append(" ON ").append(objects)
                                .append(" TO ").append(rs.getString(7)).append(rs.getBoolean(9) ? " WITH GRANT OPTION" : "")
                                .append(";\n");
                    }
                });
        for (Map.Entry<Long, StringBuilder> entry : statements.entrySet()) {
            DumpItem item = DumpItem.ddl(new ObjectRef("pg_default_acl", entry.getKey()), ItemKind.DEFAULT_ACL,
                    "default privileges", String.valueOf(entry.getKey()), entry.getValue().toString());
            catalog.add(item);
            long namespace = Long.parseLong(heads.get(entry.getKey())[0]);
            if (namespace != 0) {
                catalog.inSchema(item, namespace);
            }
        }
    }
}
