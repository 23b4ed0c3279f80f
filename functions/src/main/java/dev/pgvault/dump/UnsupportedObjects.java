package dev.pgvault.dump;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds what the dump cannot yet reproduce faithfully, so the backup can refuse by name
 * instead of producing a script that restores a different database. Each check returns
 * labels such as "trigger audit_users on public.users". Extension members are exempt: the
 * extension itself is reported.
 */
final class UnsupportedObjects {

    /** SQL predicate: namespace oid {@code ns} is a user schema. */
    static String userSchema(String ns) {
        return "(SELECT nspname FROM pg_catalog.pg_namespace WHERE oid = " + ns + ") !~ '^pg_' AND "
                + "(SELECT nspname FROM pg_catalog.pg_namespace WHERE oid = " + ns + ") <> 'information_schema'";
    }

    /** SQL predicate: the object ({@code catalog}, {@code oid}) does not belong to an extension. */
    static String notInExtension(String catalog, String oid) {
        return "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = '" + catalog
                + "'::regclass AND e.objid = " + oid + " AND e.deptype = 'e')";
    }

    private record Check(int minVersion, String sql) {}

    private static final List<Check> CHECKS = List.of(
            new Check(0, "SELECT 'extension ' || quote_ident(extname) FROM pg_catalog.pg_extension"
                    + " WHERE extname <> 'plpgsql'"),
            new Check(0, "SELECT CASE c.relkind WHEN 'p' THEN 'partitioned table ' WHEN 'm' THEN 'materialized view '"
                    + " WHEN 'f' THEN 'foreign table ' WHEN 'I' THEN 'partitioned index ' ELSE 'relation ' END"
                    + " || c.oid::regclass::text FROM pg_catalog.pg_class c"
                    + " WHERE c.relkind IN ('p', 'm', 'f', 'I') AND " + userSchema("c.relnamespace")
                    + " AND " + notInExtension("pg_class", "c.oid")),
            new Check(0, "SELECT 'table ' || c.oid::regclass::text || ' (partition or inheritance child of '"
                    + " || i.inhparent::regclass::text || ')' FROM pg_catalog.pg_inherits i"
                    + " JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid WHERE " + userSchema("c.relnamespace")
                    + " AND " + notInExtension("pg_class", "c.oid")),
            new Check(0, "SELECT 'typed table ' || c.oid::regclass::text FROM pg_catalog.pg_class c"
                    + " WHERE c.reloftype <> 0 AND " + userSchema("c.relnamespace")),
            new Check(0, "SELECT 'table ' || c.oid::regclass::text || ' with access method ' || am.amname"
                    + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_am am ON am.oid = c.relam"
                    + " WHERE c.relkind = 'r' AND am.amname <> 'heap' AND " + userSchema("c.relnamespace")),
            new Check(0, "SELECT CASE t.typtype WHEN 'e' THEN 'enum type ' WHEN 'd' THEN 'domain '"
                    + " WHEN 'r' THEN 'range type ' WHEN 'm' THEN 'multirange type ' WHEN 'c' THEN 'composite type '"
                    + " WHEN 'p' THEN 'pseudo-type ' ELSE 'base type ' END || t.oid::regtype::text"
                    + " FROM pg_catalog.pg_type t"
                    + " WHERE " + userSchema("t.typnamespace") + " AND " + notInExtension("pg_type", "t.oid")
                    + " AND NOT (t.typtype = 'c' AND (SELECT relkind FROM pg_catalog.pg_class WHERE oid = t.typrelid) <> 'c')"
                    + " AND NOT (t.typcategory = 'A' AND t.typelem <> 0)"
                    + " AND NOT (t.typtype = 'm')"),
            new Check(0, "SELECT CASE p.prokind WHEN 'p' THEN 'procedure ' WHEN 'a' THEN 'aggregate '"
                    + " WHEN 'w' THEN 'window function ' ELSE 'function ' END || p.oid::regprocedure::text"
                    + " FROM pg_catalog.pg_proc p WHERE " + userSchema("p.pronamespace")
                    + " AND " + notInExtension("pg_proc", "p.oid")),
            new Check(0, "SELECT 'trigger ' || quote_ident(t.tgname) || ' on ' || t.tgrelid::regclass::text"
                    + " FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid"
                    + " WHERE NOT t.tgisinternal AND " + userSchema("c.relnamespace")),
            new Check(0, "SELECT 'rule ' || quote_ident(r.rulename) || ' on ' || r.ev_class::regclass::text"
                    + " FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class"
                    + " WHERE r.rulename <> '_RETURN' AND " + userSchema("c.relnamespace")),
            new Check(0, "SELECT 'row-level security on ' || c.oid::regclass::text FROM pg_catalog.pg_class c"
                    + " WHERE (c.relrowsecurity OR c.relforcerowsecurity) AND " + userSchema("c.relnamespace")),
            new Check(0, "SELECT 'policy ' || quote_ident(p.polname) || ' on ' || p.polrelid::regclass::text"
                    + " FROM pg_catalog.pg_policy p"),
            new Check(0, "SELECT 'large objects (' || count(*) || ')' FROM pg_catalog.pg_largeobject_metadata"
                    + " HAVING count(*) > 0"),
            new Check(0, "SELECT 'constraint trigger ' || quote_ident(conname) || ' on ' || conrelid::regclass::text"
                    + " FROM pg_catalog.pg_constraint WHERE contype = 't'"),
            new Check(0, "SELECT 'statistics object ' || quote_ident(s.stxname) FROM pg_catalog.pg_statistic_ext s"
                    + " WHERE " + userSchema("s.stxnamespace")),
            new Check(0, "SELECT 'collation ' || quote_ident(c.collname) FROM pg_catalog.pg_collation c"
                    + " WHERE " + userSchema("c.collnamespace") + " AND " + notInExtension("pg_collation", "c.oid")),
            new Check(0, "SELECT 'operator ' || o.oid::regoperator::text FROM pg_catalog.pg_operator o"
                    + " WHERE " + userSchema("o.oprnamespace") + " AND " + notInExtension("pg_operator", "o.oid")),
            new Check(0, "SELECT 'operator class ' || quote_ident(o.opcname) FROM pg_catalog.pg_opclass o"
                    + " WHERE " + userSchema("o.opcnamespace") + " AND " + notInExtension("pg_opclass", "o.oid")),
            new Check(0, "SELECT 'text search configuration ' || quote_ident(c.cfgname) FROM pg_catalog.pg_ts_config c"
                    + " WHERE " + userSchema("c.cfgnamespace") + " AND " + notInExtension("pg_ts_config", "c.oid")),
            new Check(0, "SELECT 'text search dictionary ' || quote_ident(d.dictname) FROM pg_catalog.pg_ts_dict d"
                    + " WHERE " + userSchema("d.dictnamespace") + " AND " + notInExtension("pg_ts_dict", "d.oid")),
            new Check(0, "SELECT 'conversion ' || quote_ident(c.conname) FROM pg_catalog.pg_conversion c"
                    + " WHERE " + userSchema("c.connamespace")),
            new Check(0, "SELECT 'cast ' || format_type(c.castsource, NULL) || ' AS ' || format_type(c.casttarget, NULL)"
                    + " FROM pg_catalog.pg_cast c WHERE c.oid >= 16384 AND " + notInExtension("pg_cast", "c.oid")),
            new Check(0, "SELECT 'event trigger ' || quote_ident(evtname) FROM pg_catalog.pg_event_trigger"),
            new Check(0, "SELECT 'publication ' || quote_ident(pubname) FROM pg_catalog.pg_publication"),
            new Check(0, "SELECT 'foreign server ' || quote_ident(srvname) FROM pg_catalog.pg_foreign_server"),
            new Check(0, "SELECT 'procedural language ' || quote_ident(lanname) FROM pg_catalog.pg_language"
                    + " WHERE lanispl AND lanname <> 'plpgsql' AND " + notInExtension("pg_language", "oid")),
            new Check(0, "SELECT 'security label on ' || s.objoid::text FROM pg_catalog.pg_seclabel s"),
            new Check(0, "SELECT 'column default on view ' || d.adrelid::regclass::text FROM pg_catalog.pg_attrdef d"
                    + " JOIN pg_catalog.pg_class c ON c.oid = d.adrelid WHERE c.relkind = 'v'"),
            new Check(0, "SELECT 'replica identity using index on ' || c.oid::regclass::text"
                    + " FROM pg_catalog.pg_class c WHERE c.relreplident = 'i' AND " + userSchema("c.relnamespace")),
            new Check(0, "SELECT 'column ' || a.attrelid::regclass::text || '.'"
                    + " || quote_ident(a.attname) || ' of table row type ' || format_type(a.atttypid, NULL)"
                    + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
                    + " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
                    + " WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'v')"
                    + " AND " + userSchema("c.relnamespace") + " AND t.typrelid <> 0"
                    + " AND (SELECT relkind FROM pg_catalog.pg_class WHERE oid = t.typrelid) IN ('r', 'v')"));

    private UnsupportedObjects() {}

    static List<String> find(Connection connection, int serverVersionNum) throws SQLException {
        List<String> found = new ArrayList<>();
        try (Statement statement = connection.createStatement()) {
            for (Check check : CHECKS) {
                if (serverVersionNum < check.minVersion()) {
                    continue;
                }
                try (ResultSet rows = statement.executeQuery(check.sql())) {
                    while (rows.next()) {
                        found.add(rows.getString(1));
                    }
                }
            }
        }
        return found;
    }
}
