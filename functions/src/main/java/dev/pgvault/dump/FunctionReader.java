package dev.pgvault.dump;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Functions and procedures in any installed language, as {@code pg_get_functiondef} writes
 * them (SQL-standard bodies included: those depend on what they read, through pg_depend), and
 * aggregates, which that function does not render, from {@code pg_aggregate}.
 */
final class FunctionReader {
    private FunctionReader() {}

    static void read(Catalog catalog) throws SQLException {
        Map<Long, String[]> aggregates = new HashMap<>();
        String sql = "SELECT p.oid, p.prokind, quote_ident(n.nspname) || '.' || quote_ident(p.proname),"
                + " pg_catalog.pg_get_function_identity_arguments(p.oid), p.pronamespace,"
                + " CASE WHEN p.prokind <> 'a' THEN pg_catalog.pg_get_functiondef(p.oid) END"
                + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE " + Catalog.USER_SCHEMA + " AND " + UnsupportedObjects.notInExtension("pg_proc", "p.oid")
                // made along with another object (a range type's constructors), and again by it
                + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_proc'::regclass"
                + "   AND d.objid = p.oid AND d.deptype = 'i')"
                + " ORDER BY 3, 4";
        catalog.query(sql, rs -> {
            long oid = rs.getLong(1);
            char kind = rs.getString(2).charAt(0);
            String signature = rs.getString(3) + "(" + rs.getString(4) + ")";
            if (kind == 'a') {
                aggregates.put(oid, new String[] {signature, String.valueOf(rs.getLong(5))});
                return;
            }
            String keyword = kind == 'p' ? "PROCEDURE" : "FUNCTION";
            String definition = rs.getString(6).stripTrailing();
            DumpItem item = DumpItem.ddl(ObjectRef.proc(oid), ItemKind.FUNCTION,
                    keyword.toLowerCase() + " " + signature, signature, definition + ";\n");
            register(catalog, item, oid, rs.getLong(5), keyword, signature);
        });
        if (!aggregates.isEmpty()) {
            readAggregates(catalog, aggregates);
        }
    }

    private static void register(Catalog catalog, DumpItem item, long oid, long namespace, String keyword,
                                 String signature) {
        catalog.add(item);
        catalog.inSchema(item, namespace);
        catalog.commentOn("pg_proc", oid, 0, item, keyword + " " + signature);
        catalog.owned(ObjectRef.proc(oid), item, keyword + " " + signature,
                (keyword.equals("PROCEDURE") ? "PROCEDURE " : "FUNCTION ") + signature);
    }

    private static String function(String column) {
        return "CASE WHEN a." + column + " <> 0 THEN a." + column + "::text END";
    }

    private static void readAggregates(Catalog catalog, Map<Long, String[]> aggregates) throws SQLException {
        String sql = "SELECT a.aggfnoid::pg_catalog.oid, a.aggkind, quote_ident(n.nspname) || '.' || quote_ident(p.proname),"
                + " pg_catalog.pg_get_function_arguments(a.aggfnoid),"
                + " a.aggtransfn::text, pg_catalog.format_type(a.aggtranstype, NULL), a.aggtransspace,"
                + " " + function("aggfinalfn") + ", a.aggfinalextra, a.aggfinalmodify,"
                + " " + function("aggcombinefn") + ", " + function("aggserialfn") + ", " + function("aggdeserialfn")
                + ", a.agginitval, " + function("aggmtransfn") + ", " + function("aggminvtransfn") + ","
                + " CASE WHEN a.aggmtranstype <> 0 THEN pg_catalog.format_type(a.aggmtranstype, NULL) END,"
                + " a.aggmtransspace, " + function("aggmfinalfn") + ", a.aggmfinalextra, a.aggmfinalmodify,"
                + " a.aggminitval,"
                + " (SELECT 'OPERATOR(' || quote_ident(opn.nspname) || '.' || o.oprname || ')'"
                + "   FROM pg_catalog.pg_operator o JOIN pg_catalog.pg_namespace opn ON opn.oid = o.oprnamespace"
                + "   WHERE o.oid = a.aggsortop),"
                + " p.proparallel"
                + " FROM pg_catalog.pg_aggregate a JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE a.aggfnoid = ANY(?::pg_catalog.oid[])";
        catalog.query(sql, rs -> {
            long oid = rs.getLong(1);
            String[] known = aggregates.get(oid);
            String arguments = rs.getString(4);
            String ddl = "CREATE AGGREGATE " + rs.getString(3) + "(" + (arguments.isEmpty() ? "*" : arguments)
                    + ") (\n    " + String.join(",\n    ", aggregateOptions(rs)) + "\n);\n";
            DumpItem item = DumpItem.ddl(ObjectRef.proc(oid), ItemKind.AGGREGATE, "aggregate " + known[0], known[0],
                    ddl);
            String signature = known[0].endsWith("()") ? known[0].replace("()", "(*)") : known[0];
            register(catalog, item, oid, Long.parseLong(known[1]), "AGGREGATE", signature);
        }, catalog.oids(new ArrayList<>(aggregates.keySet())));
    }

    private static List<String> aggregateOptions(ResultSet rs) throws SQLException {
        char kind = rs.getString(2).charAt(0);
        List<String> options = new ArrayList<>();
        options.add("SFUNC = " + rs.getString(5));
        options.add("STYPE = " + rs.getString(6));
        if (rs.getInt(7) != 0) {
            options.add("SSPACE = " + rs.getInt(7));
        }
        if (rs.getString(8) != null) {
            options.add("FINALFUNC = " + rs.getString(8));
            if (rs.getBoolean(9)) {
                options.add("FINALFUNC_EXTRA");
            }
            options.add("FINALFUNC_MODIFY = " + modify(rs.getString(10)));
        }
        if (rs.getString(11) != null) {
            options.add("COMBINEFUNC = " + rs.getString(11));
        }
        if (rs.getString(12) != null) {
            options.add("SERIALFUNC = " + rs.getString(12));
        }
        if (rs.getString(13) != null) {
            options.add("DESERIALFUNC = " + rs.getString(13));
        }
        if (rs.getString(14) != null) {
            options.add("INITCOND = " + SqlText.literal(rs.getString(14)));
        }
        if (rs.getString(15) != null) {
            options.add("MSFUNC = " + rs.getString(15));
            options.add("MINVFUNC = " + rs.getString(16));
            options.add("MSTYPE = " + rs.getString(17));
            if (rs.getInt(18) != 0) {
                options.add("MSSPACE = " + rs.getInt(18));
            }
            if (rs.getString(19) != null) {
                options.add("MFINALFUNC = " + rs.getString(19));
                if (rs.getBoolean(20)) {
                    options.add("MFINALFUNC_EXTRA");
                }
                options.add("MFINALFUNC_MODIFY = " + modify(rs.getString(21)));
            }
            if (rs.getString(22) != null) {
                options.add("MINITCOND = " + SqlText.literal(rs.getString(22)));
            }
        }
        if (rs.getString(23) != null) {
            options.add("SORTOP = " + rs.getString(23));
        }
        switch (rs.getString(24)) {
            case "s" -> options.add("PARALLEL = SAFE");
            case "r" -> options.add("PARALLEL = RESTRICTED");
            default -> { }
        }
        if (kind == 'h') {
            options.add("HYPOTHETICAL");
        }
        return options;
    }

    private static String modify(String code) {
        return switch (code) {
            case "s" -> "SHAREABLE";
            case "w" -> "READ_WRITE";
            default -> "READ_ONLY";
        };
    }
}
