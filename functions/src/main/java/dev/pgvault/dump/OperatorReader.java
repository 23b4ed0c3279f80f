package dev.pgvault.dump;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Operators, access methods (index and table; their handlers are C: only a superuser makes
 * them), operator families and operator classes, as pg_dump writes them. A family is created
 * on its own; each class names its family; members added to a family outside any class follow
 * with {@code ALTER OPERATOR FAMILY ... ADD}. A member (pg_amop, pg_amproc row) stands for the
 * item that adds it, so what it needs (an operator, a function) comes first.
 */
final class OperatorReader {
    private OperatorReader() {}

    static void read(Catalog catalog) throws SQLException {
        operators(catalog);
        accessMethods(catalog);
        Map<Long, String[]> families = families(catalog);
        classes(catalog);
        looseMembers(catalog, families);
    }

    private static String regproc(String column) {
        return "CASE WHEN " + column + " <> 0 THEN " + column + "::pg_catalog.regproc::text END";
    }

    private static String type(String column) {
        return "CASE WHEN " + column + " <> 0 THEN pg_catalog.format_type(" + column + ", NULL) END";
    }

    private static String operatorName(String column) {
        return "(SELECT 'OPERATOR(' || quote_ident(cn.nspname) || '.' || co.oprname || ')' FROM pg_catalog.pg_operator co"
                + " JOIN pg_catalog.pg_namespace cn ON cn.oid = co.oprnamespace WHERE co.oid = " + column + ")";
    }

    private static void operators(Catalog catalog) throws SQLException {
        catalog.query("SELECT o.oid, quote_ident(n.nspname) || '.' || o.oprname, o.oprnamespace,"
                + " " + regproc("o.oprcode") + ", " + type("o.oprleft") + ", " + type("o.oprright") + ","
                + " " + operatorName("o.oprcom") + ", " + operatorName("o.oprnegate") + ", o.oprcanmerge, o.oprcanhash,"
                + " " + regproc("o.oprrest") + ", " + regproc("o.oprjoin")
                + " FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace"
                + " WHERE " + Catalog.USER_SCHEMA + " AND " + UnsupportedObjects.notInExtension("pg_operator", "o.oid")
                + " AND o.oprcode <> 0" // a shell (only named as another's commutator) is made again by that one
                + " ORDER BY 2, 5, 6", rs -> {
                    String name = rs.getString(2);
                    List<String> options = new ArrayList<>();
                    options.add("FUNCTION = " + rs.getString(4));
                    if (rs.getString(5) != null) {
                        options.add("LEFTARG = " + rs.getString(5));
                    }
                    if (rs.getString(6) != null) {
                        options.add("RIGHTARG = " + rs.getString(6));
                    }
                    if (rs.getString(7) != null) {
                        options.add("COMMUTATOR = " + rs.getString(7));
                    }
                    if (rs.getString(8) != null) {
                        options.add("NEGATOR = " + rs.getString(8));
                    }
                    if (rs.getBoolean(9)) {
                        options.add("MERGES");
                    }
                    if (rs.getBoolean(10)) {
                        options.add("HASHES");
                    }
                    if (rs.getString(11) != null) {
                        options.add("RESTRICT = " + rs.getString(11));
                    }
                    if (rs.getString(12) != null) {
                        options.add("JOIN = " + rs.getString(12));
                    }
                    String signature = name + " (" + (rs.getString(5) == null ? "NONE" : rs.getString(5)) + ", "
                            + (rs.getString(6) == null ? "NONE" : rs.getString(6)) + ")";
                    catalog.addObject(new ObjectRef("pg_operator", rs.getLong(1)), ItemKind.OPERATOR,
                            "operator " + signature, signature,
                            "CREATE OPERATOR " + name + " (\n    " + String.join(",\n    ", options) + "\n);\n",
                            rs.getLong(3), "OPERATOR " + signature, "OPERATOR " + signature, null);
                });
    }

    private static void accessMethods(Catalog catalog) throws SQLException {
        catalog.query("SELECT a.oid, quote_ident(a.amname), a.amtype, a.amhandler::pg_catalog.regproc::text"
                + " FROM pg_catalog.pg_am a WHERE a.oid >= 16384 AND " + UnsupportedObjects.notInExtension("pg_am", "a.oid")
                + " ORDER BY 2", rs -> {
                    String name = rs.getString(2);
                    String type = rs.getString(3).equals("t") ? "TABLE" : "INDEX";
                    catalog.addObject(new ObjectRef("pg_am", rs.getLong(1)), ItemKind.ACCESS_METHOD,
                            "access method " + name, name, "CREATE ACCESS METHOD " + name + " TYPE " + type + " HANDLER "
                                    + rs.getString(4) + ";\n", 0, "ACCESS METHOD " + name, null, null);
                });
    }

    /** The user's operator families: oid -> {qualified name, access method}. */
    private static Map<Long, String[]> families(Catalog catalog) throws SQLException {
        Map<Long, String[]> families = new LinkedHashMap<>();
        catalog.query("SELECT f.oid, quote_ident(n.nspname) || '.' || quote_ident(f.opfname), f.opfnamespace,"
                + " quote_ident(a.amname) FROM pg_catalog.pg_opfamily f JOIN pg_catalog.pg_namespace n ON n.oid = f.opfnamespace"
                + " JOIN pg_catalog.pg_am a ON a.oid = f.opfmethod"
                + " WHERE " + Catalog.USER_SCHEMA + " AND " + UnsupportedObjects.notInExtension("pg_opfamily", "f.oid")
                + " ORDER BY 2, 4", rs -> {
                    String target = rs.getString(2) + " USING " + rs.getString(4);
                    families.put(rs.getLong(1), new String[] {rs.getString(2), rs.getString(4)});
                    catalog.addObject(new ObjectRef("pg_opfamily", rs.getLong(1)), ItemKind.OPERATOR_FAMILY,
                            "operator family " + target, target, "CREATE OPERATOR FAMILY " + target + ";\n",
                            rs.getLong(3), "OPERATOR FAMILY " + target, "OPERATOR FAMILY " + target, null);
                });
        return families;
    }

    private static final String OPERATOR_MEMBER = "'OPERATOR ' || ao.amopstrategy || ' ' || ao.amopopr::pg_catalog.regoperator::text"
            + " || CASE WHEN ao.amoppurpose = 'o' THEN ' FOR ORDER BY ' || quote_ident(sn.nspname) || '.'"
            + " || quote_ident(sf.opfname) ELSE '' END";
    private static final String FUNCTION_MEMBER = "'FUNCTION ' || ap.amprocnum || ' (' || pg_catalog.format_type(ap.amproclefttype, NULL)"
            + " || ', ' || pg_catalog.format_type(ap.amprocrighttype, NULL) || ') ' || ap.amproc::pg_catalog.regprocedure::text";

    /** Members of a class (deptype 'i' on it) or added to a family (deptype 'a' on it), in pg_dump's order. */
    private static String members(String refCatalog, String deptype) {
        return "SELECT d.refobjid, 'pg_amop', ao.oid, 1, ao.amopstrategy, " + OPERATOR_MEMBER
                + " FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_amop ao ON ao.oid = d.objid"
                + " LEFT JOIN pg_catalog.pg_opfamily sf ON sf.oid = ao.amopsortfamily"
                + " LEFT JOIN pg_catalog.pg_namespace sn ON sn.oid = sf.opfnamespace"
                + " WHERE d.classid = 'pg_catalog.pg_amop'::regclass AND d.refclassid = 'pg_catalog." + refCatalog
                + "'::regclass AND d.deptype = '" + deptype + "' AND d.refobjid = ANY(?::pg_catalog.oid[])"
                + " UNION ALL SELECT d.refobjid, 'pg_amproc', ap.oid, 2, ap.amprocnum, " + FUNCTION_MEMBER
                + " FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_amproc ap ON ap.oid = d.objid"
                + " WHERE d.classid = 'pg_catalog.pg_amproc'::regclass AND d.refclassid = 'pg_catalog." + refCatalog
                + "'::regclass AND d.deptype = '" + deptype + "' AND d.refobjid = ANY(?::pg_catalog.oid[])"
                + " ORDER BY 1, 4, 5, 6";
    }

    private static void classes(Catalog catalog) throws SQLException {
        Map<Long, String[]> classes = new LinkedHashMap<>();
        Map<Long, Long> namespaces = new HashMap<>();
        catalog.query("SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.opcname), c.opcnamespace,"
                + " quote_ident(a.amname), c.opcdefault, pg_catalog.format_type(c.opcintype, NULL),"
                + " quote_ident(fn.nspname) || '.' || quote_ident(f.opfname),"
                + " CASE WHEN c.opckeytype <> 0 THEN pg_catalog.format_type(c.opckeytype, NULL) END"
                + " FROM pg_catalog.pg_opclass c JOIN pg_catalog.pg_namespace n ON n.oid = c.opcnamespace"
                + " JOIN pg_catalog.pg_am a ON a.oid = c.opcmethod JOIN pg_catalog.pg_opfamily f ON f.oid = c.opcfamily"
                + " JOIN pg_catalog.pg_namespace fn ON fn.oid = f.opfnamespace"
                + " WHERE " + Catalog.USER_SCHEMA + " AND " + UnsupportedObjects.notInExtension("pg_opclass", "c.oid")
                + " ORDER BY 2, 4", rs -> {
                    classes.put(rs.getLong(1), new String[] {rs.getString(2), rs.getString(4),
                            "CREATE OPERATOR CLASS " + rs.getString(2) + (rs.getBoolean(5) ? " DEFAULT" : "")
                                    + " FOR TYPE " + rs.getString(6) + " USING " + rs.getString(4) + " FAMILY "
                                    + rs.getString(7) + " AS",
                            rs.getString(8), rs.getString(6)});
                    namespaces.put(rs.getLong(1), rs.getLong(3));
                });
        if (classes.isEmpty()) {
            return;
        }
        Map<Long, List<String>> items = new HashMap<>();
        Map<Long, List<ObjectRef>> parts = new HashMap<>();
        java.sql.Array oids = catalog.oids(new ArrayList<>(classes.keySet()));
        catalog.query(members("pg_opclass", "i"), rs -> {
            items.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(6));
            parts.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new ObjectRef(rs.getString(2), rs.getLong(3)));
        }, oids, oids);
        for (Map.Entry<Long, String[]> opclass : classes.entrySet()) {
            String[] fields = opclass.getValue();
            List<String> lines = new ArrayList<>();
            if (fields[3] != null) {
                lines.add("STORAGE " + fields[3]);
            }
            lines.addAll(items.getOrDefault(opclass.getKey(), List.of()));
            if (lines.isEmpty()) {
                lines.add("STORAGE " + fields[4]); // a class with no members yet says something, as pg_dump
            }
            String target = fields[0] + " USING " + fields[1];
            DumpItem item = catalog.addObject(new ObjectRef("pg_opclass", opclass.getKey()), ItemKind.OPERATOR_CLASS,
                    "operator class " + target, target, fields[2] + "\n    " + String.join(",\n    ", lines) + ";\n",
                    namespaces.get(opclass.getKey()), "OPERATOR CLASS " + target, "OPERATOR CLASS " + target, null);
            for (ObjectRef part : parts.getOrDefault(opclass.getKey(), List.of())) {
                catalog.alias(part, item);
            }
        }
    }

    private static void looseMembers(Catalog catalog, Map<Long, String[]> families) throws SQLException {
        if (families.isEmpty()) {
            return;
        }
        Map<Long, List<String>> items = new LinkedHashMap<>();
        Map<Long, List<ObjectRef>> parts = new HashMap<>();
        java.sql.Array oids = catalog.oids(new ArrayList<>(families.keySet()));
        catalog.query(members("pg_opfamily", "a"), rs -> {
            items.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(6));
            parts.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new ObjectRef(rs.getString(2), rs.getLong(3)));
        }, oids, oids);
        for (Map.Entry<Long, List<String>> family : items.entrySet()) {
            String[] fields = families.get(family.getKey());
            String target = fields[0] + " USING " + fields[1];
            DumpItem item = DumpItem.ddl(new ObjectRef("opfamily_members", family.getKey()),
                    ItemKind.OPERATOR_FAMILY_MEMBERS, "members of operator family " + target, target,
                    "ALTER OPERATOR FAMILY " + target + " ADD\n    " + String.join(",\n    ", family.getValue()) + ";\n");
            catalog.add(item);
            item.dependOn(catalog.item(new ObjectRef("pg_opfamily", family.getKey())));
            for (ObjectRef part : parts.getOrDefault(family.getKey(), List.of())) {
                catalog.alias(part, item);
            }
        }
    }
}
