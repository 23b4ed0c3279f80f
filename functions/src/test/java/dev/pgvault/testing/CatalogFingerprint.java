package dev.pgvault.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * An oracle for "the database is the same" where pg_dump cannot be one (a server newer than
 * the local pg_dump): every user object's definition as the server itself renders it
 * (pg_get_*def, format_type, pg_get_expr, ...), keyed by name, so two databases on the same
 * server version compare equal exactly when their schemas, comments, sequence states, large
 * objects and data are the same. Shares no code with pgvault. Owners and privileges are
 * included only when asked for ({@link #withOwnersAndPrivileges}).
 *
 * <p>Order-independent on purpose where order carries no meaning (rows, privilege lists,
 * policy roles); order-sensitive where it does (columns, enum labels, parents).
 */
public final class CatalogFingerprint {
    private static final String USER_NS = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'";
    private static final String NOT_EXT = "NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = %s AND e.deptype = 'e')";

    private final Connection connection;
    private final int version;
    private final boolean privileges;
    private final Map<String, String> entries = new TreeMap<>();

    private CatalogFingerprint(Connection connection, boolean privileges) throws SQLException {
        this.connection = connection;
        this.privileges = privileges;
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int")) {
            rs.next();
            this.version = rs.getInt(1);
        }
    }

    /** Schema, comments, sequences, large objects and data; no owners, no privileges. */
    public static Map<String, String> of(Connection connection) throws SQLException {
        return new CatalogFingerprint(connection, false).read();
    }

    /** Everything {@link #of} compares, plus every object's owner and access list. */
    public static Map<String, String> withOwnersAndPrivileges(Connection connection) throws SQLException {
        return new CatalogFingerprint(connection, true).read();
    }

    private Map<String, String> read() throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("SET search_path = ''");
            st.execute("SET extra_float_digits = 3");
            st.execute("SET DateStyle = 'ISO, YMD'");
            st.execute("SET TimeZone = 'UTC'");
            st.execute("SET IntervalStyle = 'postgres'");
        }
        schemas();
        extensions();
        types();
        collations();
        functions();
        relations();
        columns();
        constraints();
        indexes();
        sequences();
        triggers();
        rules();
        policies();
        statistics();
        comments();
        largeObjects();
        moreKinds();
        if (privileges) {
            defaultPrivileges();
            builtInPrivileges();
        }
        entries.putAll(DataFingerprint.of(connection));
        return entries;
    }

    private String acl(String column) {
        return privileges ? ", (SELECT string_agg(x::text, ' ' ORDER BY x::text) FROM unnest(" + column + ") x)" : ", ''";
    }

    private String owner(String column) {
        return privileges ? ", pg_get_userbyid(" + column + ")" : ", ''";
    }

    /** Runs a query whose first column is the key and the rest the value. */
    private void collect(String prefix, String sql) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder value = new StringBuilder();
                for (int i = 2; i <= columns; i++) {
                    value.append(i > 2 ? " | " : "").append(rs.getString(i));
                }
                String key = prefix + " " + rs.getString(1);
                if (entries.containsKey(key)) {
                    value.insert(0, entries.get(key) + " || ");
                }
                entries.put(key, value.toString());
            }
        }
    }

    private void schemas() throws SQLException {
        collect("schema", "SELECT n.nspname, 'schema'" + owner("n.nspowner") + acl("n.nspacl")
                + " FROM pg_namespace n WHERE " + USER_NS);
    }

    private void extensions() throws SQLException {
        collect("extension", "SELECT x.extname, x.extversion, n.nspname, x.extrelocatable"
                + " FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace");
    }

    private void types() throws SQLException {
        String multirange = version >= 140000 ? "r.rngmultitypid::regtype::text" : "''";
        collect("type", "SELECT t.oid::regtype::text, t.typtype, t.typnotnull, t.typdefault,"
                + " format_type(t.typbasetype, t.typtypmod), t.typcollation::regcollation::text,"
                + " (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid),"
                + " (SELECT string_agg(c.conname || ':' || pg_get_constraintdef(c.oid) || ':' || c.convalidated, ','"
                + "   ORDER BY c.conname) FROM pg_constraint c WHERE c.contypid = t.oid),"
                + " (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' '"
                + "   || a.attcollation::regcollation::text, ',' ORDER BY a.attnum) FROM pg_attribute a"
                + "   WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped AND t.typtype = 'c'),"
                + " (SELECT format_type(r.rngsubtype, NULL) || ' ' || (SELECT opcname FROM pg_opclass WHERE oid = r.rngsubopc)"
                + "   || ' ' || r.rngcollation::regcollation::text || ' ' || r.rngcanonical::text || ' ' || r.rngsubdiff::text || ' ' || " + multirange
                + "   FROM pg_range r WHERE r.rngtypid = t.oid)"
                + owner("t.typowner") + acl("t.typacl")
                + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE " + USER_NS
                + " AND " + NOT_EXT.formatted("t.oid") + " AND t.typtype IN ('e', 'd', 'r', 'c', 'm')"
                + " AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')");
    }

    private void collations() throws SQLException {
        String locale = version >= 170000 ? "c.colllocale" : version >= 150000 ? "c.colliculocale" : "''";
        String rules = version >= 160000 ? "c.collicurules" : "''";
        collect("collation", "SELECT c.oid::regcollation::text, c.collprovider, c.collisdeterministic, c.collcollate,"
                + " c.collctype, " + locale + ", " + rules + owner("c.collowner")
                + " FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace WHERE " + USER_NS
                + " AND " + NOT_EXT.formatted("c.oid"));
    }

    private void functions() throws SQLException {
        collect("function", "SELECT p.oid::regprocedure::text, p.prokind,"
                + " CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END,"
                + " (SELECT row(a.aggkind, a.aggnumdirectargs, a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn,"
                + "   a.aggdeserialfn, a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn, a.aggfinalextra, a.aggmfinalextra,"
                + "   a.aggfinalmodify, a.aggmfinalmodify, a.aggsortop::regoperator, format_type(a.aggtranstype, NULL),"
                + "   a.aggtransspace, format_type(nullif(a.aggmtranstype, 0), NULL), a.aggmtransspace, a.agginitval,"
                + "   a.aggminitval)::text FROM pg_aggregate a WHERE a.aggfnoid = p.oid), p.proparallel"
                + owner("p.proowner") + acl("p.proacl")
                + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE " + USER_NS
                + " AND " + NOT_EXT.formatted("p.oid")
                // constructors a range type makes (and, from 14, its multirange's): part of the type
                + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass"
                + "   AND d.objid = p.oid AND d.deptype = 'i')");
    }

    private void relations() throws SQLException {
        collect("relation", "SELECT c.oid::regclass::text, c.relkind, c.relpersistence, c.reloptions::text,"
                + " (SELECT reloptions::text FROM pg_class t WHERE t.oid = c.reltoastrelid), c.relreplident,"
                + " c.relrowsecurity, c.relforcerowsecurity, c.relispartition, pg_get_expr(c.relpartbound, c.oid),"
                + " CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,"
                + " (SELECT string_agg(i.inhparent::regclass::text, ',' ORDER BY i.inhseqno) FROM pg_inherits i"
                + "   WHERE i.inhrelid = c.oid),"
                + " CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END,"
                + " CASE WHEN c.relkind = 'm' THEN c.relispopulated END,"
                + " (SELECT amname FROM pg_am WHERE oid = c.relam), c.reloftype::regtype::text"
                + owner("c.relowner") + acl("c.relacl")
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_NS
                + " AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND " + NOT_EXT.formatted("c.oid"));
    }

    private void columns() throws SQLException {
        String compression = version >= 140000 ? "a.attcompression" : "''";
        collect("column", "SELECT c.oid::regclass::text || '.' || quote_ident(a.attname),"
                + " row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),"
                + " format_type(a.atttypid, a.atttypmod), a.attnotnull, pg_get_expr(d.adbin, d.adrelid),"
                + " a.attidentity, a.attgenerated, a.attcollation::regcollation::text,"
                + " nullif(a.attstattarget, -1), a.attstorage, " + compression + ", a.attislocal, a.attinhcount,"
                + " a.attoptions::text" + acl("a.attacl")
                + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " WHERE " + USER_NS + " AND c.relkind IN ('r', 'p', 'v', 'm', 'c', 'f') AND a.attnum > 0"
                + " AND NOT a.attisdropped AND " + NOT_EXT.formatted("c.oid"));
    }

    private void constraints() throws SQLException {
        String enforced = version >= 180000 ? "con.conenforced" : "true";
        collect("constraint", "SELECT con.conrelid::regclass::text || ' ' || con.conname, con.contype,"
                + " pg_get_constraintdef(con.oid), con.condeferrable, con.condeferred, con.convalidated,"
                + " con.conislocal, con.coninhcount,"
                // NO INHERIT means something for CHECK and NOT NULL only; a partition's key made
                // with ALTER TABLE ONLY and then attached (as pg_dump does) differs there alone.
                + " CASE WHEN con.contype IN ('c', 'n') THEN con.connoinherit END, " + enforced + ","
                + " (SELECT p.conrelid::regclass::text || ' ' || p.conname FROM pg_constraint p WHERE p.oid = con.conparentid),"
                + " con.conindid::regclass::text"
                + " FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_NS);
    }

    private void indexes() throws SQLException {
        collect("index", "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), i.indisclustered,"
                + " i.indisreplident, i.indisvalid, i.indisunique, i.indisprimary, i.indimmediate,"
                + " (SELECT inhparent::regclass::text FROM pg_inherits WHERE inhrelid = i.indexrelid),"
                + " (SELECT string_agg(a.attnum || '=' || a.attstattarget, ',' ORDER BY a.attnum) FROM pg_attribute a"
                + "   WHERE a.attrelid = i.indexrelid AND a.attstattarget >= 0), ic.reloptions::text"
                + " FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid"
                + " JOIN pg_namespace n ON n.oid = ic.relnamespace WHERE " + USER_NS
                + " AND " + NOT_EXT.formatted("ic.oid"));
    }

    private void sequences() throws SQLException {
        collect("sequence", "SELECT s.seqrelid::regclass::text, format_type(s.seqtypid, NULL), s.seqstart,"
                + " s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,"
                + " (SELECT d.refobjid::regclass::text || '.' || d.refobjsubid || ':' || d.deptype::text FROM pg_depend d"
                + "   WHERE d.classid = 'pg_class'::regclass AND d.objid = s.seqrelid"
                + "   AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))"
                + " FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE " + USER_NS
                + " AND " + NOT_EXT.formatted("c.oid"));
    }

    private void triggers() throws SQLException {
        collect("trigger", "SELECT t.tgrelid::regclass::text || ' ' || t.tgname, pg_get_triggerdef(t.oid),"
                + " t.tgenabled, t.tgparentid <> 0"
                + " FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace"
                // before 15 a partition's copy of its parent's trigger was marked internal
                + " WHERE (NOT t.tgisinternal OR (t.tgparentid <> 0 AND NOT EXISTS (SELECT 1 FROM pg_constraint k"
                + "   WHERE k.oid = t.tgconstraint AND k.contype <> 't'))) AND " + USER_NS);
    }

    private void rules() throws SQLException {
        collect("rule", "SELECT r.ev_class::regclass::text || ' ' || r.rulename, pg_get_ruledef(r.oid), r.ev_enabled"
                + " FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE " + USER_NS + " AND r.rulename <> '_RETURN'");
    }

    private void policies() throws SQLException {
        collect("policy", "SELECT p.polrelid::regclass::text || ' ' || p.polname, p.polcmd, p.polpermissive,"
                + " (SELECT string_agg(CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r) END, ',' ORDER BY 1)"
                + "   FROM unnest(p.polroles) r),"
                + " pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid) FROM pg_policy p");
    }

    private void statistics() throws SQLException {
        collect("statistics", "SELECT quote_ident(n.nspname) || '.' || quote_ident(s.stxname),"
                + " pg_get_statisticsobjdef(s.oid), nullif(s.stxstattarget, -1)" + owner("s.stxowner")
                + " FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE " + USER_NS);
    }

    private void comments() throws SQLException {
        // pg_describe_object names the object the same way in both databases; large objects keep their oids.
        collect("comment", "SELECT pg_describe_object(d.classoid, d.objoid, d.objsubid), d.description"
                + " FROM pg_description d WHERE d.objoid >= 16384 OR d.classoid = 'pg_namespace'::regclass");
    }

    private void largeObjects() throws SQLException {
        collect("large object", "SELECT m.oid::text, md5(lo_get(m.oid))" + owner("m.lomowner") + acl("m.lomacl")
                + " FROM pg_largeobject_metadata m");
    }

    /**
     * Issue 11's kinds: text search objects, casts, conversions, operators, operator families and
     * classes, access methods, foreign-data wrappers, servers, user mappings, foreign tables'
     * options, publications and their members, subscriptions, event triggers, languages,
     * transforms, tablespaces of relations and indexes, DEPENDS ON EXTENSION marks.
     */
    private void moreKinds() throws SQLException {
        String opts = "(SELECT string_agg(x, ',' ORDER BY x) FROM unnest(%s) x)";
        collect("text search configuration", "SELECT c.oid::regconfig::text, (SELECT prsname FROM pg_ts_parser WHERE oid = c.cfgparser), (SELECT"
                + " string_agg(m.maptokentype || ':' || m.mapseqno || ':' || m.mapdict::regdictionary::text, ','"
                + " ORDER BY m.maptokentype, m.mapseqno) FROM pg_ts_config_map m WHERE m.mapcfg = c.oid)"
                + owner("c.cfgowner") + " FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace WHERE "
                + USER_NS + " AND " + NOT_EXT.formatted("c.oid"));
        collect("text search dictionary", "SELECT d.oid::regdictionary::text, (SELECT tmplname FROM pg_ts_template WHERE oid = d.dicttemplate), d.dictinitoption"
                + owner("d.dictowner") + " FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace WHERE "
                + USER_NS + " AND " + NOT_EXT.formatted("d.oid"));
        collect("text search parser", "SELECT n.nspname || '.' || p.prsname, p.prsstart, p.prstoken, p.prsend,"
                + " p.prsheadline, p.prslextype FROM pg_ts_parser p JOIN pg_namespace n ON n.oid = p.prsnamespace WHERE "
                + USER_NS + " AND " + NOT_EXT.formatted("p.oid"));
        collect("text search template", "SELECT n.nspname || '.' || t.tmplname, t.tmplinit, t.tmpllexize"
                + " FROM pg_ts_template t JOIN pg_namespace n ON n.oid = t.tmplnamespace WHERE "
                + USER_NS + " AND " + NOT_EXT.formatted("t.oid"));
        collect("cast", "SELECT format_type(c.castsource, NULL) || ' AS ' || format_type(c.casttarget, NULL),"
                + " c.castfunc::regprocedure::text, c.castcontext, c.castmethod FROM pg_cast c WHERE c.oid >= 16384 AND "
                + NOT_EXT.formatted("c.oid") // made by a range type for its multirange (14+)
                + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_cast'::regclass"
                + "   AND d.objid = c.oid AND d.deptype = 'i')");
        collect("conversion", "SELECT n.nspname || '.' || c.conname, c.conforencoding, c.contoencoding,"
                + " c.conproc::regproc::text, c.condefault" + owner("c.conowner")
                + " FROM pg_conversion c JOIN pg_namespace n ON n.oid = c.connamespace WHERE " + USER_NS
                + " AND " + NOT_EXT.formatted("c.oid"));
        collect("operator", "SELECT o.oid::regoperator::text, o.oprcode::regproc::text, o.oprcom::regoperator::text,"
                + " o.oprnegate::regoperator::text, o.oprrest::regproc::text, o.oprjoin::regproc::text, o.oprcanmerge,"
                + " o.oprcanhash" + owner("o.oprowner") + " FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace"
                + " WHERE " + USER_NS + " AND " + NOT_EXT.formatted("o.oid"));
        collect("operator family", "SELECT n.nspname || '.' || f.opfname || ' ' || a.amname,"
                + " (SELECT string_agg(ao.amopstrategy || ' ' || ao.amopopr::regoperator::text || ' ' || ao.amoppurpose::text"
                + "   || ' ' || coalesce((SELECT opfname FROM pg_opfamily WHERE oid = ao.amopsortfamily), ''), ','"
                + "   ORDER BY ao.amopstrategy, ao.amopopr::regoperator::text) FROM pg_amop ao WHERE ao.amopfamily = f.oid),"
                + " (SELECT string_agg(ap.amprocnum || ' ' || ap.amproc::regprocedure::text || ' '"
                + "   || format_type(ap.amproclefttype, NULL) || ' ' || format_type(ap.amprocrighttype, NULL), ','"
                + "   ORDER BY ap.amprocnum, ap.amproc::regprocedure::text)"
                + "   FROM pg_amproc ap WHERE ap.amprocfamily = f.oid)" + owner("f.opfowner")
                + " FROM pg_opfamily f JOIN pg_namespace n ON n.oid = f.opfnamespace JOIN pg_am a ON a.oid = f.opfmethod"
                + " WHERE " + USER_NS + " AND " + NOT_EXT.formatted("f.oid"));
        collect("operator class", "SELECT n.nspname || '.' || c.opcname || ' ' || a.amname, c.opcdefault,"
                + " format_type(c.opcintype, NULL), format_type(nullif(c.opckeytype, 0), NULL), (SELECT opfname FROM pg_opfamily WHERE oid = c.opcfamily)"
                + owner("c.opcowner") + " FROM pg_opclass c JOIN pg_namespace n ON n.oid = c.opcnamespace"
                + " JOIN pg_am a ON a.oid = c.opcmethod WHERE " + USER_NS + " AND " + NOT_EXT.formatted("c.oid"));
        collect("access method", "SELECT a.amname, a.amtype, a.amhandler::regproc::text FROM pg_am a"
                + " WHERE a.oid >= 16384 AND " + NOT_EXT.formatted("a.oid"));
        collect("foreign-data wrapper", "SELECT w.fdwname, w.fdwhandler::regproc::text, w.fdwvalidator::regproc::text, "
                + opts.formatted("w.fdwoptions") + owner("w.fdwowner") + acl("w.fdwacl")
                + " FROM pg_foreign_data_wrapper w WHERE " + NOT_EXT.formatted("w.oid"));
        collect("server", "SELECT s.srvname, s.srvtype, s.srvversion, (SELECT fdwname FROM pg_foreign_data_wrapper"
                + " WHERE oid = s.srvfdw), " + opts.formatted("s.srvoptions") + owner("s.srvowner") + acl("s.srvacl")
                + " FROM pg_foreign_server s");
        collect("user mapping", "SELECT m.usename || ' ' || m.srvname, " + opts.formatted("m.umoptions")
                + " FROM pg_user_mappings m");
        collect("foreign table", "SELECT f.ftrelid::regclass::text, (SELECT srvname FROM pg_foreign_server"
                + " WHERE oid = f.ftserver), " + opts.formatted("f.ftoptions") + ", (SELECT string_agg(a.attname || '='"
                + " || " + opts.formatted("a.attfdwoptions") + ", ',' ORDER BY a.attnum) FROM pg_attribute a"
                + " WHERE a.attrelid = f.ftrelid AND a.attfdwoptions IS NOT NULL) FROM pg_foreign_table f");
        String generated = version >= 180000 ? "p.pubgencols::text" : "''";
        String filters = version >= 150000
                ? "(SELECT string_agg(r.prrelid::regclass::text || ' ' || coalesce(pg_get_expr(r.prqual, r.prrelid), '')"
                + " || ' ' || coalesce(r.prattrs::text, ''), ',' ORDER BY r.prrelid::regclass::text) FROM pg_publication_rel r"
                + " WHERE r.prpubid = p.oid),"
                + " (SELECT string_agg(s.pnnspid::regnamespace::text, ',' ORDER BY s.pnnspid::regnamespace::text)"
                + " FROM pg_publication_namespace s"
                + " WHERE s.pnpubid = p.oid)"
                : "(SELECT string_agg(r.prrelid::regclass::text, ',' ORDER BY r.prrelid::regclass::text) FROM pg_publication_rel r"
                + " WHERE r.prpubid = p.oid), ''";
        collect("publication", "SELECT p.pubname, p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate,"
                + " p.pubviaroot, " + generated + ", " + filters + owner("p.pubowner") + " FROM pg_publication p");
        collect("subscription", "SELECT s.subname, s.subenabled, s.subconninfo, s.subslotname, s.subsynccommit,"
                + " s.subpublications::text, shobj_description(s.oid, 'pg_subscription')" + owner("s.subowner") + " FROM pg_subscription s"
                + " WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())");
        collect("event trigger", "SELECT et.evtname, et.evtevent, et.evtfoid::regproc::text, et.evtenabled,"
                + " et.evttags::text" + owner("et.evtowner") + " FROM pg_event_trigger et WHERE " + NOT_EXT.formatted("et.oid"));
        collect("language", "SELECT l.lanname, l.lanpltrusted, l.lanplcallfoid::regproc::text, l.laninline::regproc::text,"
                + " l.lanvalidator::regproc::text" + owner("l.lanowner") + acl("l.lanacl")
                + " FROM pg_language l WHERE l.oid >= 16384 AND " + NOT_EXT.formatted("l.oid"));
        collect("transform", "SELECT format_type(t.trftype, NULL) || ' ' || (SELECT lanname FROM pg_language"
                + " WHERE oid = t.trflang), t.trffromsql::regprocedure::text, t.trftosql::regprocedure::text"
                + " FROM pg_transform t WHERE t.oid >= 16384 AND " + NOT_EXT.formatted("t.oid"));
        collect("tablespace of", "SELECT c.oid::regclass::text, t.spcname FROM pg_class c"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_tablespace t ON t.oid = c.reltablespace"
                + " WHERE " + USER_NS + " AND c.relkind IN ('r', 'p', 'm', 'i', 'I')");
        collect("base type", "SELECT t.oid::regtype::text, t.typisdefined, t.typinput::regproc::text,"
                + " t.typoutput::regproc::text, t.typreceive::regproc::text, t.typsend::regproc::text,"
                + " t.typmodin::regproc::text, t.typmodout::regproc::text, t.typanalyze::regproc::text, t.typlen,"
                + " t.typbyval, t.typalign, t.typstorage, t.typcategory, t.typispreferred, t.typdefault, t.typdelim,"
                + " t.typcollation <> 0, format_type(nullif(t.typelem, 0), NULL)" + owner("t.typowner")
                + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE " + USER_NS
                + " AND " + NOT_EXT.formatted("t.oid") + " AND (t.typtype = 'b' AND t.typcategory <> 'A'"
                + " OR t.typtype = 'p')");
        collect("depends on extension", "SELECT pg_describe_object(d.classid, d.objid, d.objsubid) || ' '"
                + " || e.extname, 'x' FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid"
                + " WHERE d.deptype = 'x' AND d.refclassid = 'pg_extension'::regclass");
    }

    /** Access lists of objects a restore does not create (system schemas, languages, extension members). */
    private void builtInPrivileges() throws SQLException {
        String notUser = "(NOT (" + USER_NS + ") OR EXISTS (SELECT 1 FROM pg_depend e WHERE e.objid = %s AND e.deptype = 'e'))";
        String sorted = "(SELECT string_agg(x::text, ' ' ORDER BY x::text) FROM unnest(%s) x)";
        collect("built-in privileges", "SELECT 'relation ' || c.oid::regclass::text, " + sorted.formatted("c.relacl")
                + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relacl IS NOT NULL"
                + " AND c.relpersistence <> 't' AND " + notUser.formatted("c.oid"));
        collect("built-in privileges", "SELECT 'column ' || c.oid::regclass::text || '.' || a.attname, "
                + sorted.formatted("a.attacl") + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.attacl IS NOT NULL AND NOT a.attisdropped"
                + " AND c.relpersistence <> 't' AND " + notUser.formatted("c.oid"));
        collect("built-in privileges", "SELECT 'function ' || p.oid::regprocedure::text, " + sorted.formatted("p.proacl")
                + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proacl IS NOT NULL AND "
                + notUser.formatted("p.oid"));
        collect("built-in privileges", "SELECT 'type ' || t.oid::regtype::text, " + sorted.formatted("t.typacl")
                + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typacl IS NOT NULL AND "
                + notUser.formatted("t.oid"));
        // An access list set back to what it was by default reads the same as none.
        collect("built-in privileges", "SELECT 'schema ' || n.nspname, " + sorted.formatted("n.nspacl")
                + " FROM pg_namespace n WHERE n.nspacl IS NOT NULL AND " + notUser.formatted("n.oid")
                + " AND " + sorted.formatted("n.nspacl") + " IS DISTINCT FROM "
                + sorted.formatted("acldefault('n', n.nspowner)"));
        collect("built-in privileges", "SELECT 'language ' || l.lanname, " + sorted.formatted("l.lanacl")
                + " FROM pg_language l WHERE l.lanacl IS NOT NULL AND " + sorted.formatted("l.lanacl")
                + " IS DISTINCT FROM " + sorted.formatted("acldefault('l', l.lanowner)"));
    }

    private void defaultPrivileges() throws SQLException {
        collect("default privileges", "SELECT pg_get_userbyid(d.defaclrole) || ' ' || coalesce(n.nspname, '-') || ' '"
                + " || d.defaclobjtype::text, (SELECT string_agg(x::text, ' ' ORDER BY x::text) FROM unnest(d.defaclacl) x)"
                + " FROM pg_default_acl d LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace");
    }
}
