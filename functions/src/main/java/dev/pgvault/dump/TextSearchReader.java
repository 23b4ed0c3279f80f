package dev.pgvault.dump;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Text search parsers and templates (their functions are C: only a superuser makes them),
 * dictionaries (a template and its options) and configurations (a parser and, for each token
 * type, the dictionaries in order), as pg_dump writes them.
 */
final class TextSearchReader {
    private TextSearchReader() {}

    private static String name(String alias, String nameColumn) {
        return "quote_ident(n.nspname) || '.' || quote_ident(" + alias + "." + nameColumn + ")";
    }

    private static String from(String table, String alias, String namespace) {
        return " FROM pg_catalog." + table + " " + alias + " JOIN pg_catalog.pg_namespace n ON n.oid = " + alias + "."
                + namespace + " WHERE " + Catalog.USER_SCHEMA + " AND "
                + UnsupportedObjects.notInExtension(table, alias + ".oid") + " ORDER BY 2";
    }

    private static String function(String column) {
        return "CASE WHEN " + column + " <> 0 THEN " + column + "::pg_catalog.regproc::text END";
    }

    static void read(Catalog catalog) throws SQLException {
        catalog.query("SELECT p.oid, " + name("p", "prsname") + ", p.prsnamespace, " + function("p.prsstart") + ", "
                + function("p.prstoken") + ", " + function("p.prsend") + ", " + function("p.prslextype") + ", "
                + function("p.prsheadline") + from("pg_ts_parser", "p", "prsnamespace"), rs -> {
                    String name = rs.getString(2);
                    StringBuilder sql = new StringBuilder("CREATE TEXT SEARCH PARSER ").append(name)
                            .append(" (\n    START = ").append(rs.getString(4))
                            .append(",\n    GETTOKEN = ").append(rs.getString(5))
                            .append(",\n    END = ").append(rs.getString(6))
                            .append(",\n    LEXTYPES = ").append(rs.getString(7));
                    if (rs.getString(8) != null) {
                        sql.append(",\n    HEADLINE = ").append(rs.getString(8));
                    }
                    sql.append(" );\n");
                    catalog.addObject(new ObjectRef("pg_ts_parser", rs.getLong(1)), ItemKind.TEXT_SEARCH,
                            "text search parser " + name, name, sql.toString(), rs.getLong(3),
                            "TEXT SEARCH PARSER " + name, null, null);
                });
        catalog.query("SELECT t.oid, " + name("t", "tmplname") + ", t.tmplnamespace, " + function("t.tmplinit") + ", "
                + function("t.tmpllexize") + from("pg_ts_template", "t", "tmplnamespace"), rs -> {
                    String name = rs.getString(2);
                    String sql = "CREATE TEXT SEARCH TEMPLATE " + name + " ("
                            + (rs.getString(4) != null ? "\n    INIT = " + rs.getString(4) + "," : "")
                            + "\n    LEXIZE = " + rs.getString(5) + " );\n";
                    catalog.addObject(new ObjectRef("pg_ts_template", rs.getLong(1)), ItemKind.TEXT_SEARCH,
                            "text search template " + name, name, sql, rs.getLong(3),
                            "TEXT SEARCH TEMPLATE " + name, null, null);
                });
        catalog.query("SELECT d.oid, " + name("d", "dictname") + ", d.dictnamespace,"
                + " (SELECT quote_ident(tn.nspname) || '.' || quote_ident(t.tmplname) FROM pg_catalog.pg_ts_template t"
                + "   JOIN pg_catalog.pg_namespace tn ON tn.oid = t.tmplnamespace WHERE t.oid = d.dicttemplate),"
                + " d.dictinitoption" + from("pg_ts_dict", "d", "dictnamespace"), rs -> {
                    String name = rs.getString(2);
                    String sql = "CREATE TEXT SEARCH DICTIONARY " + name + " (\n    TEMPLATE = " + rs.getString(4)
                            + (rs.getString(5) != null ? ",\n    " + rs.getString(5) : "") + " );\n";
                    catalog.addObject(new ObjectRef("pg_ts_dict", rs.getLong(1)), ItemKind.TEXT_SEARCH,
                            "text search dictionary " + name, name, sql, rs.getLong(3),
                            "TEXT SEARCH DICTIONARY " + name, "TEXT SEARCH DICTIONARY " + name, null);
                });
        Map<Long, StringBuilder> configurations = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        List<Long> order = new ArrayList<>();
        catalog.query("SELECT c.oid, " + name("c", "cfgname") + ", c.cfgnamespace,"
                + " (SELECT quote_ident(pn.nspname) || '.' || quote_ident(p.prsname) FROM pg_catalog.pg_ts_parser p"
                + "   JOIN pg_catalog.pg_namespace pn ON pn.oid = p.prsnamespace WHERE p.oid = c.cfgparser)"
                + from("pg_ts_config", "c", "cfgnamespace"), rs -> {
                    String name = rs.getString(2);
                    long oid = rs.getLong(1);
                    StringBuilder sql = new StringBuilder("CREATE TEXT SEARCH CONFIGURATION ").append(name)
                            .append(" (\n    PARSER = ").append(rs.getString(4)).append(" );\n");
                    configurations.put(oid, sql);
                    names.put(oid, name);
                    order.add(oid);
                    DumpItem item = DumpItem.rendered(new ObjectRef("pg_ts_config", oid), ItemKind.TEXT_SEARCH,
                            "text search configuration " + name, name, sql::toString);
                    catalog.add(item);
                    catalog.inSchema(item, rs.getLong(3));
                    catalog.commentOn("pg_ts_config", oid, 0, item, "TEXT SEARCH CONFIGURATION " + name);
                    catalog.owned(new ObjectRef("pg_ts_config", oid), item, "TEXT SEARCH CONFIGURATION " + name, null);
                });
        if (order.isEmpty()) {
            return;
        }
        // Each token type's dictionaries, in order: one ADD MAPPING per token type.
        Map<String, List<String>> mappings = new java.util.LinkedHashMap<>();
        catalog.query("SELECT m.mapcfg, (SELECT t.alias FROM pg_catalog.ts_token_type(c.cfgparser) t"
                + "   WHERE t.tokid = m.maptokentype), m.mapdict::pg_catalog.regdictionary::text"
                + " FROM pg_catalog.pg_ts_config_map m JOIN pg_catalog.pg_ts_config c ON c.oid = m.mapcfg"
                + " WHERE m.mapcfg = ANY(?::pg_catalog.oid[]) ORDER BY m.mapcfg, m.maptokentype, m.mapseqno",
                rs -> mappings.computeIfAbsent(rs.getLong(1) + "\u0000" + rs.getString(2), k -> new ArrayList<>())
                        .add(rs.getString(3)), catalog.oids(order));
        mappings.forEach((key, dictionaries) -> {
            String[] parts = key.split("\u0000", 2);
            long oid = Long.parseLong(parts[0]);
            configurations.get(oid).append("ALTER TEXT SEARCH CONFIGURATION ").append(names.get(oid))
                    .append("\n    ADD MAPPING FOR ").append(SqlText.ident(parts[1])).append(" WITH ")
                    .append(String.join(", ", dictionaries)).append(";\n");
        });
    }
}
