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
 * labels such as "operator public.===(integer, integer)". Extension members are exempt: the
 * extension recreates them. docs/dump-coverage.md lists what is supported and what not.
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
            // SQL_ASCII text has no declared encoding: the driver reads it as UTF-8 (so bytes that are
            // not UTF-8 would come out changed) and a UTF-8 script cannot restore it byte for byte.
            new Check(0, "SELECT 'database ' || quote_ident(current_database()) || ' in the SQL_ASCII encoding"
                    + " (its text has no declared encoding and cannot be carried byte for byte in a UTF-8 backup;"
                    + " convert the database to UTF8, or back it up with pg_dump)'"
                    + " WHERE current_setting('server_encoding') = 'SQL_ASCII'"),
            new Check(0, "SELECT 'foreign table ' || c.oid::regclass::text FROM pg_catalog.pg_class c"
                    + " WHERE c.relkind = 'f' AND " + userSchema("c.relnamespace")
                    + " AND " + notInExtension("pg_class", "c.oid")),
            new Check(0, "SELECT 'typed table ' || c.oid::regclass::text FROM pg_catalog.pg_class c"
                    + " WHERE c.reloftype <> 0 AND " + userSchema("c.relnamespace")),
            new Check(0, "SELECT 'table ' || c.oid::regclass::text || ' with access method ' || am.amname"
                    + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_am am ON am.oid = c.relam"
                    + " WHERE c.relkind IN ('r', 'p', 'm') AND am.amname <> 'heap' AND " + userSchema("c.relnamespace")),
            new Check(0, "SELECT 'relation ' || c.oid::regclass::text || ' in tablespace ' || quote_ident(ts.spcname)"
                    + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_tablespace ts ON ts.oid = c.reltablespace"
                    + " WHERE " + userSchema("c.relnamespace") + " AND " + notInExtension("pg_class", "c.oid")),
            new Check(0, "SELECT CASE WHEN NOT t.typisdefined THEN 'shell type ' WHEN t.typtype = 'p' THEN 'pseudo-type '"
                    + " ELSE 'base type ' END || t.oid::regtype::text"
                    + " FROM pg_catalog.pg_type t"
                    + " WHERE " + userSchema("t.typnamespace") + " AND " + notInExtension("pg_type", "t.oid")
                    + " AND (NOT t.typisdefined OR t.typtype = 'p'"
                    + "   OR (t.typtype = 'b' AND NOT (t.typcategory = 'A' AND t.typelem <> 0)))"),
            new Check(0, "SELECT 'range type ' || r.rngtypid::regtype::text || ' with a canonical function'"
                    + " FROM pg_catalog.pg_range r JOIN pg_catalog.pg_type t ON t.oid = r.rngtypid"
                    + " WHERE r.rngcanonical <> 0 AND " + userSchema("t.typnamespace")
                    + " AND " + notInExtension("pg_type", "t.oid")),
            new Check(0, "SELECT 'operator ' || o.oid::regoperator::text FROM pg_catalog.pg_operator o"
                    + " WHERE " + userSchema("o.oprnamespace") + " AND " + notInExtension("pg_operator", "o.oid")),
            new Check(0, "SELECT 'operator class ' || quote_ident(o.opcname) FROM pg_catalog.pg_opclass o"
                    + " WHERE " + userSchema("o.opcnamespace") + " AND " + notInExtension("pg_opclass", "o.oid")),
            new Check(0, "SELECT 'operator family ' || quote_ident(o.opfname) FROM pg_catalog.pg_opfamily o"
                    + " WHERE " + userSchema("o.opfnamespace") + " AND " + notInExtension("pg_opfamily", "o.oid")),
            new Check(0, "SELECT 'access method ' || quote_ident(a.amname) FROM pg_catalog.pg_am a"
                    + " WHERE a.oid >= 16384 AND " + notInExtension("pg_am", "a.oid")),
            new Check(0, "SELECT 'text search configuration ' || quote_ident(c.cfgname) FROM pg_catalog.pg_ts_config c"
                    + " WHERE " + userSchema("c.cfgnamespace") + " AND " + notInExtension("pg_ts_config", "c.oid")),
            new Check(0, "SELECT 'text search dictionary ' || quote_ident(d.dictname) FROM pg_catalog.pg_ts_dict d"
                    + " WHERE " + userSchema("d.dictnamespace") + " AND " + notInExtension("pg_ts_dict", "d.oid")),
            new Check(0, "SELECT 'text search parser ' || quote_ident(p.prsname) FROM pg_catalog.pg_ts_parser p"
                    + " WHERE " + userSchema("p.prsnamespace") + " AND " + notInExtension("pg_ts_parser", "p.oid")),
            new Check(0, "SELECT 'text search template ' || quote_ident(t.tmplname) FROM pg_catalog.pg_ts_template t"
                    + " WHERE " + userSchema("t.tmplnamespace") + " AND " + notInExtension("pg_ts_template", "t.oid")),
            new Check(0, "SELECT 'conversion ' || quote_ident(c.conname) FROM pg_catalog.pg_conversion c"
                    + " WHERE " + userSchema("c.connamespace") + " AND " + notInExtension("pg_conversion", "c.oid")),
            new Check(0, "SELECT 'cast ' || format_type(c.castsource, NULL) || ' AS ' || format_type(c.casttarget, NULL)"
                    + " FROM pg_catalog.pg_cast c WHERE c.oid >= 16384 AND " + notInExtension("pg_cast", "c.oid")
                    // made with a range type (range to multirange), not by the user
                    + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_cast'::regclass"
                    + "   AND d.objid = c.oid AND d.deptype = 'i')"),
            new Check(0, "SELECT 'transform for ' || format_type(t.trftype, NULL) || ' language '"
                    + " || quote_ident(l.lanname) FROM pg_catalog.pg_transform t"
                    + " JOIN pg_catalog.pg_language l ON l.oid = t.trflang"
                    + " WHERE t.oid >= 16384 AND " + notInExtension("pg_transform", "t.oid")),
            new Check(0, "SELECT 'event trigger ' || quote_ident(evtname) FROM pg_catalog.pg_event_trigger"
                    + " WHERE " + notInExtension("pg_event_trigger", "oid")),
            new Check(0, "SELECT 'publication ' || quote_ident(pubname) FROM pg_catalog.pg_publication"),
            new Check(0, "SELECT 'subscription ' || quote_ident(subname) FROM pg_catalog.pg_subscription"
                    + " WHERE subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())"),
            new Check(0, "SELECT 'foreign-data wrapper ' || quote_ident(fdwname) FROM pg_catalog.pg_foreign_data_wrapper"
                    + " WHERE " + notInExtension("pg_foreign_data_wrapper", "oid")),
            new Check(0, "SELECT 'foreign server ' || quote_ident(srvname) FROM pg_catalog.pg_foreign_server"),
            new Check(0, "SELECT 'procedural language ' || quote_ident(lanname) FROM pg_catalog.pg_language"
                    + " WHERE lanispl AND lanname <> 'plpgsql' AND " + notInExtension("pg_language", "oid")),
            new Check(0, "SELECT 'security label on ' || pg_catalog.pg_describe_object(s.classoid, s.objoid, s.objsubid)"
                    + " FROM pg_catalog.pg_seclabel s"),
            new Check(0, "SELECT pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid) || ' (DEPENDS ON EXTENSION '"
                    + " || quote_ident(e.extname) || ')' FROM pg_catalog.pg_depend d"
                    + " JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid"
                    + " WHERE d.deptype = 'x' AND d.refclassid = 'pg_catalog.pg_extension'::regclass"));

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
