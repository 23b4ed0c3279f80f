package dev.pgvault.dump;

import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * User-defined types: enums, composite types, domains (with their constraints) and range
 * types. Base types written in C and shell types are refused by {@link UnsupportedObjects}.
 */
final class TypeReader {
    private static final String TYPE_NAME = "quote_ident(n.nspname) || '.' || quote_ident(t.typname)";
    private static final String USER_TYPE = " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
            + " WHERE " + Catalog.USER_SCHEMA + " AND " + UnsupportedObjects.notInExtension("pg_type", "t.oid");

    private TypeReader() {}

    static void read(Catalog catalog) throws SQLException {
        enums(catalog);
        composites(catalog);
        domains(catalog);
        ranges(catalog);
        baseTypes(catalog);
    }

    /**
     * A shell ({@code CREATE TYPE name;}) for a type whose own functions take or return it (a
     * base type's input and output, a range's canonical function): those functions come after
     * the shell, the full definition after them, as pg_dump writes it.
     */
    private static void shell(Catalog catalog, long oid, String name, long namespace, DumpItem full, long... functions) {
        DumpItem shell = DumpItem.ddl(new ObjectRef("shell_type", oid), ItemKind.TYPE, "shell type " + name, name,
                "CREATE TYPE " + name + ";\n");
        catalog.add(shell);
        catalog.inSchema(shell, namespace);
        full.dependOn(shell);
        for (long function : functions) {
            if (function != 0) {
                catalog.pendingEdge(full, ObjectRef.proc(function));
                catalog.supportFunctions.put(function, shell);
            }
        }
    }

    private static String function(String column) {
        return "CASE WHEN t." + column + " <> 0 THEN t." + column + "::pg_catalog.regproc::text END";
    }

    /** Base types (their functions are C or internal: only a superuser makes them) and lone shell types. */
    private static void baseTypes(Catalog catalog) throws SQLException {
        String subscript = catalog.atLeast(140000) ? "t.typsubscript" : "0::pg_catalog.oid";
        String sql = "SELECT t.oid, " + TYPE_NAME + ", t.typnamespace, t.typisdefined, t.typlen, t.typbyval, t.typalign,"
                + " t.typstorage, t.typcategory, t.typispreferred, t.typdefault, t.typdelim, t.typcollation <> 0,"
                + " CASE WHEN t.typelem <> 0 THEN pg_catalog.format_type(t.typelem, NULL) END,"
                + " " + function("typinput") + ", " + function("typoutput") + ", " + function("typreceive") + ", "
                + function("typsend") + ", " + function("typmodin") + ", " + function("typmodout") + ", "
                + function("typanalyze") + ", CASE WHEN " + subscript + " <> 0 THEN " + subscript
                + "::pg_catalog.regproc::text END,"
                + " t.typinput::pg_catalog.oid, t.typoutput::pg_catalog.oid, t.typreceive::pg_catalog.oid,"
                + " t.typsend::pg_catalog.oid, t.typmodin::pg_catalog.oid, t.typmodout::pg_catalog.oid,"
                + " t.typanalyze::pg_catalog.oid, " + subscript + "::pg_catalog.oid"
                + USER_TYPE + " AND (t.typtype = 'b' AND NOT (t.typcategory = 'A' AND t.typelem <> 0"
                + "   AND EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid))"
                + "   OR t.typtype = 'p' AND NOT t.typisdefined) ORDER BY 2";
        catalog.query(sql, rs -> {
            long oid = rs.getLong(1);
            String name = rs.getString(2);
            if (!rs.getBoolean(4)) {
                add(catalog, oid, name, rs.getLong(3), "TYPE", "CREATE TYPE " + name + ";\n");
                return;
            }
            java.util.List<String> options = new ArrayList<>();
            options.add("INTERNALLENGTH = " + (rs.getInt(5) < 0 ? "variable" : String.valueOf(rs.getInt(5))));
            String[] names = {"INPUT", "OUTPUT", "RECEIVE", "SEND", "TYPMOD_IN", "TYPMOD_OUT", "ANALYZE", "SUBSCRIPT"};
            for (int i = 0; i < names.length; i++) {
                if (rs.getString(15 + i) != null) {
                    options.add(names[i] + " = " + rs.getString(15 + i));
                }
            }
            if (rs.getBoolean(6)) {
                options.add("PASSEDBYVALUE");
            }
            options.add("ALIGNMENT = " + switch (rs.getString(7)) {
                case "c" -> "char";
                case "s" -> "int2";
                case "d" -> "double";
                default -> "int4";
            });
            options.add("STORAGE = " + TableDefinition.storageName(rs.getString(8).charAt(0)).toLowerCase());
            if (!rs.getString(9).equals("U")) {
                options.add("CATEGORY = " + SqlText.literal(rs.getString(9)));
            }
            if (rs.getBoolean(10)) {
                options.add("PREFERRED = true");
            }
            if (rs.getString(11) != null) {
                options.add("DEFAULT = " + SqlText.literal(rs.getString(11)));
            }
            if (rs.getString(14) != null) {
                options.add("ELEMENT = " + rs.getString(14));
            }
            if (!rs.getString(12).equals(",")) {
                options.add("DELIMITER = " + SqlText.literal(rs.getString(12)));
            }
            if (rs.getBoolean(13)) {
                options.add("COLLATABLE = true");
            }
            DumpItem full = add(catalog, oid, name, rs.getLong(3), "TYPE",
                    "CREATE TYPE " + name + " (\n    " + String.join(",\n    ", options) + "\n);\n");
            long[] functions = new long[8];
            for (int i = 0; i < functions.length; i++) {
                functions[i] = rs.getLong(23 + i);
            }
            shell(catalog, oid, name, rs.getLong(3), full, functions);
        });
    }

    private static DumpItem add(Catalog catalog, long oid, String name, long namespace, String keyword, String sql) {
        DumpItem item = DumpItem.ddl(ObjectRef.type(oid), ItemKind.TYPE, keyword.toLowerCase() + " " + name, name, sql);
        catalog.add(item);
        catalog.inSchema(item, namespace);
        catalog.commentOn("pg_type", oid, 0, item, keyword + " " + name);
        catalog.owned(ObjectRef.type(oid), item, keyword + " " + name, keyword + " " + name);
        return item;
    }

    private static void enums(Catalog catalog) throws SQLException {
        String sql = "SELECT t.oid, " + TYPE_NAME + ", t.typnamespace,"
                + " ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)"
                + USER_TYPE + " AND t.typtype = 'e' ORDER BY 2";
        catalog.query(sql, rs -> {
            List<String> labels = new ArrayList<>();
            for (Object label : (Object[]) rs.getArray(4).getArray()) {
                labels.add("    " + SqlText.literal((String) label));
            }
            String name = rs.getString(2);
            add(catalog, rs.getLong(1), name, rs.getLong(3), "TYPE",
                    "CREATE TYPE " + name + " AS ENUM (\n" + String.join(",\n", labels) + "\n);\n");
        });
    }

    private static void composites(Catalog catalog) throws SQLException {
        String sql = "SELECT t.oid, " + TYPE_NAME + ", t.typnamespace, t.typrelid" + USER_TYPE
                + " AND t.typtype = 'c' AND (SELECT relkind FROM pg_catalog.pg_class WHERE oid = t.typrelid) = 'c'"
                + " ORDER BY 2";
        catalog.query(sql, rs -> {
            String name = rs.getString(2);
            long relation = rs.getLong(4);
            List<String> attributes = new ArrayList<>();
            for (Column column : catalog.columns.getOrDefault(relation, List.of())) {
                attributes.add("    " + column.quotedName() + " " + column.type()
                        + (column.collation() == null ? "" : " COLLATE " + column.collation()));
            }
            DumpItem item = add(catalog, rs.getLong(1), name, rs.getLong(3), "TYPE", "CREATE TYPE " + name + " AS ("
                    + (attributes.isEmpty() ? "" : "\n" + String.join(",\n", attributes) + "\n") + ");\n");
            catalog.alias(ObjectRef.relation(relation), item);
            for (Column column : catalog.columns.getOrDefault(relation, List.of())) {
                catalog.commentOn("pg_class", relation, column.number(), item,
                        "COLUMN " + name + "." + column.quotedName());
            }
        });
    }

    private static void domains(Catalog catalog) throws SQLException {
        Map<Long, DumpItem> domains = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        Map<Long, StringBuilder> definitions = new HashMap<>();
        String sql = "SELECT t.oid, " + TYPE_NAME + ", t.typnamespace, pg_catalog.format_type(t.typbasetype, t.typtypmod),"
                + " CASE WHEN t.typcollation <> bt.typcollation AND t.typcollation <> 0"
                + "   THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END,"
                + " coalesce(pg_catalog.pg_get_expr(t.typdefaultbin, 0), t.typdefault), t.typnotnull"
                + " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
                + " JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype"
                + " LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation"
                + " LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace"
                + " WHERE t.typtype = 'd' AND " + Catalog.USER_SCHEMA
                + " AND " + UnsupportedObjects.notInExtension("pg_type", "t.oid") + " ORDER BY 2";
        catalog.query(sql, rs -> {
            long oid = rs.getLong(1);
            String name = rs.getString(2);
            StringBuilder definition = new StringBuilder("CREATE DOMAIN ").append(name).append(" AS ")
                    .append(rs.getString(4));
            if (rs.getString(5) != null) {
                definition.append(" COLLATE ").append(rs.getString(5));
            }
            if (rs.getString(6) != null) {
                definition.append(" DEFAULT ").append(rs.getString(6));
            }
            // From 17 a domain's NOT NULL is a named constraint, read below with the checks.
            if (rs.getBoolean(7) && !catalog.atLeast(170000)) {
                definition.append(" NOT NULL");
            }
            definitions.put(oid, definition);
            names.put(oid, name);
            StringBuilder text = definition;
            domains.put(oid, DumpItem.rendered(ObjectRef.type(oid), ItemKind.TYPE, "domain " + name, name,
                    () -> text + ";\n"));
            DumpItem item = domains.get(oid);
            catalog.add(item);
            catalog.inSchema(item, rs.getLong(3));
            catalog.commentOn("pg_type", oid, 0, item, "DOMAIN " + name);
            catalog.owned(ObjectRef.type(oid), item, "DOMAIN " + name, "DOMAIN " + name);
        });
        if (domains.isEmpty()) {
            return;
        }
        Array oids = catalog.oids(new ArrayList<>(domains.keySet()));
        catalog.query("SELECT con.oid, con.contypid, quote_ident(con.conname), pg_catalog.pg_get_constraintdef(con.oid),"
                + " con.convalidated FROM pg_catalog.pg_constraint con WHERE con.contypid = ANY(?::pg_catalog.oid[])"
                + " ORDER BY con.contypid, con.conname", rs -> {
                    long oid = rs.getLong(1);
                    long domain = rs.getLong(2);
                    String name = names.get(domain);
                    String constraint = "CONSTRAINT " + rs.getString(3) + " " + rs.getString(4);
                    DumpItem owner = domains.get(domain);
                    if (rs.getBoolean(5)) {
                        definitions.get(domain).append("\n    ").append(constraint);
                        catalog.alias(ObjectRef.constraint(oid), owner);
                        catalog.commentOn("pg_constraint", oid, 0, owner,
                                "CONSTRAINT " + rs.getString(3) + " ON DOMAIN " + name);
                        return;
                    }
                    // NOT VALID: values stored before it may break it, so it is added without a check.
                    DumpItem item = DumpItem.ddl(ObjectRef.constraint(oid), ItemKind.CONSTRAINT,
                            "constraint " + rs.getString(3) + " on domain " + name, name + " " + rs.getString(3),
                            "ALTER DOMAIN " + name + " ADD " + constraint + ";\n");
                    catalog.add(item);
                    item.dependOn(owner);
                    catalog.commentOn("pg_constraint", oid, 0, item,
                            "CONSTRAINT " + rs.getString(3) + " ON DOMAIN " + name);
                }, oids);
    }

    private static void ranges(Catalog catalog) throws SQLException {
        String multirange = catalog.atLeast(140000)
                ? "(SELECT quote_ident(mn.nspname) || '.' || quote_ident(mt.typname) FROM pg_catalog.pg_type mt"
                + " JOIN pg_catalog.pg_namespace mn ON mn.oid = mt.typnamespace WHERE mt.oid = r.rngmultitypid)"
                : "NULL::text";
        String sql = "SELECT t.oid, " + TYPE_NAME + ", t.typnamespace, pg_catalog.format_type(r.rngsubtype, NULL),"
                + " CASE WHEN NOT opc.opcdefault THEN quote_ident(opn.nspname) || '.' || quote_ident(opc.opcname) END,"
                + " CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation"
                + "   THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END,"
                + " CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::text END,"
                + " CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::text END, " + multirange + ", r.rngcanonical::pg_catalog.oid"
                + " FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace"
                + " JOIN pg_catalog.pg_range r ON r.rngtypid = t.oid"
                + " JOIN pg_catalog.pg_type st ON st.oid = r.rngsubtype"
                + " JOIN pg_catalog.pg_opclass opc ON opc.oid = r.rngsubopc"
                + " JOIN pg_catalog.pg_namespace opn ON opn.oid = opc.opcnamespace"
                + " LEFT JOIN pg_catalog.pg_collation co ON co.oid = r.rngcollation"
                + " LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace"
                + " WHERE t.typtype = 'r' AND " + Catalog.USER_SCHEMA
                + " AND " + UnsupportedObjects.notInExtension("pg_type", "t.oid") + " ORDER BY 2";
        catalog.query(sql, rs -> {
            String name = rs.getString(2);
            List<String> options = new ArrayList<>();
            options.add("subtype = " + rs.getString(4));
            if (rs.getString(9) != null) {
                options.add("multirange_type_name = " + rs.getString(9));
            }
            if (rs.getString(5) != null) {
                options.add("subtype_opclass = " + rs.getString(5));
            }
            if (rs.getString(6) != null) {
                options.add("collation = " + rs.getString(6));
            }
            if (rs.getString(7) != null) {
                options.add("canonical = " + rs.getString(7));
            }
            if (rs.getString(8) != null) {
                options.add("subtype_diff = " + rs.getString(8));
            }
            DumpItem range = add(catalog, rs.getLong(1), name, rs.getLong(3), "TYPE",
                    "CREATE TYPE " + name + " AS RANGE (\n    " + String.join(",\n    ", options) + "\n);\n");
            if (rs.getString(7) != null) {
                shell(catalog, rs.getLong(1), name, rs.getLong(3), range, rs.getLong(10));
            }
        });
    }
}
