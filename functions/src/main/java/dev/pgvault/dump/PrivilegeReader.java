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

    private static final Map<String, Columns> CATALOGS = Map.ofEntries(
            Map.entry("pg_class", new Columns("relowner", "relacl")),
            Map.entry("pg_proc", new Columns("proowner", "proacl")),
            Map.entry("pg_type", new Columns("typowner", "typacl")),
            Map.entry("pg_namespace", new Columns("nspowner", "nspacl")),
            Map.entry("pg_collation", new Columns("collowner", null)),
            Map.entry("pg_statistic_ext", new Columns("stxowner", null)),
            Map.entry("pg_language", new Columns("lanowner", "lanacl")),
            Map.entry("pg_operator", new Columns("oprowner", null)),
            Map.entry("pg_opclass", new Columns("opcowner", null)),
            Map.entry("pg_opfamily", new Columns("opfowner", null)),
            Map.entry("pg_conversion", new Columns("conowner", null)),
            Map.entry("pg_ts_config", new Columns("cfgowner", null)),
            Map.entry("pg_ts_dict", new Columns("dictowner", null)),
            Map.entry("pg_foreign_data_wrapper", new Columns("fdwowner", "fdwacl")),
            Map.entry("pg_foreign_server", new Columns("srvowner", "srvacl")),
            Map.entry("pg_publication", new Columns("pubowner", null)),
            Map.entry("pg_subscription", new Columns("subowner", null)),
            Map.entry("pg_event_trigger", new Columns("evtowner", null)));

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
        for (SystemKind kind : SYSTEM_KINDS) {
            systemObjects(catalog, kind);
        }
        systemColumns(catalog);
    }

    /**
     * Objects the restore does not create but whose privileges a database can change: those of
     * the system schemas (functions and tables in pg_catalog, the schemas themselves), the
     * procedural languages, and extension members. Their changes from what a new database has
     * (pg_init_privs, else the built-in default) are restored as REVOKE and GRANT, as pg_dump does.
     *
     * @param target  SQL for "FUNCTION pg_catalog.f(integer)" etc.
     * @param where   which rows of the catalog
     */
    private record SystemKind(String table, String owner, String acl, String defaultKind, String target, String where) {}

    private static final String NOT_DUMPED_IN = "(%1$s IN (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE NOT ("
            + Catalog.USER_SCHEMA + ")) OR EXISTS (SELECT 1 FROM pg_catalog.pg_depend e"
            + " WHERE e.classid = '%2$s'::pg_catalog.regclass AND e.objid = x.oid AND e.deptype = 'e'))";

    private static final List<SystemKind> SYSTEM_KINDS = List.of(
            new SystemKind("pg_class", "relowner", "relacl",
                    "CASE WHEN x.relkind = 'S' THEN 's' ELSE 'r' END::\"char\"",
                    "CASE WHEN x.relkind = 'S' THEN 'SEQUENCE ' ELSE 'TABLE ' END || x.oid::pg_catalog.regclass::text",
                    "x.relkind IN ('r', 'v', 'm', 'S', 'f', 'p') AND x.relpersistence <> 't' AND "
                            + NOT_DUMPED_IN.formatted("x.relnamespace", "pg_catalog.pg_class")),
            new SystemKind("pg_proc", "proowner", "proacl", "'f'::\"char\"",
                    "CASE WHEN x.prokind = 'p' THEN 'PROCEDURE ' ELSE 'FUNCTION ' END"
                            + " || x.oid::pg_catalog.regprocedure::text",
                    NOT_DUMPED_IN.formatted("x.pronamespace", "pg_catalog.pg_proc")),
            new SystemKind("pg_type", "typowner", "typacl", "'T'::\"char\"", "'TYPE ' || x.oid::pg_catalog.regtype::text",
                    "x.typelem = 0 OR x.typarray <> 0) AND (" + NOT_DUMPED_IN.formatted("x.typnamespace", "pg_catalog.pg_type")),
            new SystemKind("pg_namespace", "nspowner", "nspacl", "'n'::\"char\"", "'SCHEMA ' || quote_ident(x.nspname)",
                    "NOT (" + Catalog.USER_SCHEMA.replace("n.", "x.") + ") OR EXISTS (SELECT 1 FROM pg_catalog.pg_depend e"
                            + " WHERE e.classid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND e.objid = x.oid"
                            + " AND e.deptype = 'e')"),
            new SystemKind("pg_language", "lanowner", "lanacl", "'l'::\"char\"", "'LANGUAGE ' || quote_ident(x.lanname)",
                    "x.oid < 16384 OR EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid ="
                            + " 'pg_catalog.pg_language'::pg_catalog.regclass AND e.objid = x.oid AND e.deptype = 'e')"),
            new SystemKind("pg_foreign_data_wrapper", "fdwowner", "fdwacl", "'F'",
                    "'FOREIGN DATA WRAPPER ' || quote_ident(x.fdwname)",
                    "EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_foreign_data_wrapper'"
                            + "::pg_catalog.regclass AND e.objid = x.oid AND e.deptype = 'e')"));

    private static String initPrivs(String table, String subid) {
        return "(SELECT i.initprivs FROM pg_catalog.pg_init_privs i WHERE i.objoid = x.oid"
                + " AND i.classoid = 'pg_catalog." + table + "'::pg_catalog.regclass AND i.objsubid = " + subid + ")";
    }

    private static void systemObjects(Catalog catalog, SystemKind kind) throws SQLException {
        String baseline = "coalesce(" + initPrivs(kind.table(), "0") + ", pg_catalog.acldefault(" + kind.defaultKind()
                + ", x." + kind.owner() + "))";
        String current = "coalesce(x." + kind.acl() + ", pg_catalog.acldefault(" + kind.defaultKind() + ", x."
                + kind.owner() + "))";
        Map<Long, String[]> objects = new LinkedHashMap<>();
        catalog.query("SELECT x.oid, " + kind.target() + ", quote_ident(pg_catalog.pg_get_userbyid(x." + kind.owner()
                + ")) FROM pg_catalog." + kind.table() + " x WHERE (" + kind.where() + ")"
                + " AND " + current + "::text[] IS DISTINCT FROM " + baseline + "::text[] ORDER BY 2",
                rs -> objects.put(rs.getLong(1), new String[] {rs.getString(2), rs.getString(3)}));
        if (objects.isEmpty()) {
            return;
        }
        Map<Long, List<Acl.Entry>> was = new HashMap<>();
        Map<Long, List<Acl.Entry>> now = new HashMap<>();
        catalog.query("SELECT x.oid, s.which, " + Acl.EXPLODED + " FROM pg_catalog." + kind.table() + " x,"
                + " LATERAL (VALUES ('b', " + baseline + "), ('c', " + current + ")) s(which, acl),"
                + " LATERAL pg_catalog.aclexplode(s.acl) WITH ORDINALITY AS e(grantor, grantee, privilege_type,"
                + " is_grantable, ord) WHERE x.oid = ANY(?::pg_catalog.oid[]) ORDER BY x.oid, s.which, e.ord",
                rs -> (rs.getString(2).equals("b") ? was : now).computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                        .add(Acl.entry(rs, 3)), catalog.oids(new ArrayList<>(objects.keySet())));
        for (Map.Entry<Long, String[]> object : objects.entrySet()) {
            long oid = object.getKey();
            String sql = Acl.renderDelta(object.getValue()[0], "", object.getValue()[1],
                    was.getOrDefault(oid, List.of()), now.getOrDefault(oid, List.of()));
            addSystemAcl(catalog, new ObjectRef(kind.table(), oid), object.getValue()[0], sql);
        }
    }

    /** Column privileges on tables of the system schemas and of extensions, changed since they were made. */
    private static void systemColumns(Catalog catalog) throws SQLException {
        Map<String, String[]> columns = new LinkedHashMap<>();
        Map<String, List<Acl.Entry>> was = new HashMap<>();
        Map<String, List<Acl.Entry>> now = new HashMap<>();
        String baseline = initPrivs("pg_class", "a.attnum"); // NULL: none (aclexplode of NULL is no row)
        catalog.query("SELECT x.oid || ':' || a.attnum, x.oid::pg_catalog.regclass::text, quote_ident(a.attname),"
                + " quote_ident(pg_catalog.pg_get_userbyid(x.relowner)), s.which, " + Acl.EXPLODED
                + " FROM pg_catalog.pg_class x JOIN pg_catalog.pg_attribute a ON a.attrelid = x.oid,"
                + " LATERAL (VALUES ('b', " + baseline + "), ('c', a.attacl)) s(which, acl),"
                + " LATERAL pg_catalog.aclexplode(s.acl) WITH ORDINALITY AS e(grantor, grantee, privilege_type,"
                + " is_grantable, ord)"
                + " WHERE a.attnum <> 0 AND NOT a.attisdropped AND x.relkind IN ('r', 'v', 'm', 'f', 'p') AND x.relpersistence <> 't'"
                + " AND " + NOT_DUMPED_IN.formatted("x.relnamespace", "pg_catalog.pg_class")
                + " AND coalesce(a.attacl::text[], '{}') IS DISTINCT FROM coalesce(" + baseline + "::text[], '{}')"
                + " ORDER BY 2, a.attnum, s.which, e.ord", rs -> {
                    String key = rs.getString(1);
                    columns.putIfAbsent(key, new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
                    (rs.getString(5).equals("b") ? was : now).computeIfAbsent(key, k -> new ArrayList<>())
                            .add(Acl.entry(rs, 6));
                });
        for (Map.Entry<String, String[]> column : columns.entrySet()) {
            String[] names = column.getValue();
            String sql = Acl.renderDelta("TABLE " + names[0], " (" + names[1] + ")", names[2],
                    was.getOrDefault(column.getKey(), List.of()), now.getOrDefault(column.getKey(), List.of()));
            long table = Long.parseLong(column.getKey().split(":")[0]);
            addSystemAcl(catalog, new ObjectRef("pg_class", table), "TABLE " + names[0], sql);
        }
    }

    private static void addSystemAcl(Catalog catalog, ObjectRef object, String target, String sql) {
        if (sql.isEmpty()) {
            return;
        }
        ObjectRef ref = new ObjectRef("acl:" + object.catalog(), object.oid());
        DumpItem item = catalog.item(ref);
        if (item == null) {
            item = DumpItem.ddl(ref, ItemKind.ACL, "privileges on " + target, target, "");
            catalog.add(item);
            // An extension member's privileges after its extension (the member stands for it).
            item.dependOn(catalog.item(object));
        }
        item.appendSql(sql);
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
            boolean publicSchema = table.equals("pg_namespace") && owned.ownerSql().matches("SCHEMA \"?public\"?");
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
                + " is_grantable, ord) WHERE a.attrelid = ANY(?::pg_catalog.oid[]) AND a.attnum <> 0"
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
