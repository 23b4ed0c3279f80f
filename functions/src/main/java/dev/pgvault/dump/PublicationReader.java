package dev.pgvault.dump;

import dev.pgvault.errors.PgvaultException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Logical replication: publications (all tables, or tables with their row filters and column
 * lists, and from 15 whole schemas) and subscriptions, as pg_dump writes them. A subscription
 * is created without connecting ({@code connect = false}): it comes back disabled, with no
 * replication slot made or used, to be enabled and refreshed once the restored database is
 * meant to replicate.
 */
final class PublicationReader {
    private PublicationReader() {}

    static void read(Catalog catalog) throws SQLException {
        publications(catalog);
        subscriptions(catalog);
    }

    private static void publications(Catalog catalog) throws SQLException {
        String generated = catalog.atLeast(180000) ? "p.pubgencols::text" : "'n'";
        catalog.query("SELECT p.oid, quote_ident(p.pubname), p.puballtables, p.pubinsert, p.pubupdate, p.pubdelete,"
                + " p.pubtruncate, p.pubviaroot, " + generated + " FROM pg_catalog.pg_publication p ORDER BY 2", rs -> {
                    String name = rs.getString(2);
                    List<String> publish = new ArrayList<>();
                    String[] actions = {"insert", "update", "delete", "truncate"};
                    for (int i = 0; i < actions.length; i++) {
                        if (rs.getBoolean(4 + i)) {
                            publish.add(actions[i]);
                        }
                    }
                    StringBuilder sql = new StringBuilder("CREATE PUBLICATION ").append(name)
                            .append(rs.getBoolean(3) ? " FOR ALL TABLES" : "")
                            .append(" WITH (publish = ").append(SqlText.literal(String.join(", ", publish)));
                    if (rs.getBoolean(8)) {
                        sql.append(", publish_via_partition_root = true");
                    }
                    if ("s".equals(rs.getString(9))) {
                        sql.append(", publish_generated_columns = stored");
                    }
                    sql.append(");\n");
                    catalog.addObject(new ObjectRef("pg_publication", rs.getLong(1)), ItemKind.PUBLICATION,
                            "publication " + name, name, sql.toString(), 0, "PUBLICATION " + name,
                            "PUBLICATION " + name, null);
                });
        boolean filters = catalog.atLeast(150000);
        catalog.query("SELECT r.oid, r.prpubid, quote_ident(p.pubname), r.prrelid, "
                + (filters ? "pg_catalog.pg_get_expr(r.prqual, r.prrelid),"
                        + " (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.i) FROM unnest(r.prattrs)"
                        + "   WITH ORDINALITY AS k(n, i) JOIN pg_catalog.pg_attribute a ON a.attrelid = r.prrelid"
                        + "   AND a.attnum = k.n)" : "NULL, NULL")
                + " FROM pg_catalog.pg_publication_rel r JOIN pg_catalog.pg_publication p ON p.oid = r.prpubid"
                + " ORDER BY 3, 4", rs -> {
                    Relation table = catalog.relations.get(rs.getLong(4));
                    if (table == null) {
                        return;
                    }
                    String sql = "ALTER PUBLICATION " + rs.getString(3) + " ADD TABLE ONLY " + table.qualified()
                            + (rs.getString(6) != null ? " (" + rs.getString(6) + ")" : "")
                            + (rs.getString(5) != null ? " WHERE (" + rs.getString(5) + ")" : "") + ";\n";
                    member(catalog, new ObjectRef("pg_publication_rel", rs.getLong(1)), rs.getLong(2),
                            "publication " + rs.getString(3) + " of table " + table.qualified(), sql,
                            ObjectRef.relation(table.oid()));
                });
        if (filters) {
            catalog.query("SELECT s.oid, s.pnpubid, quote_ident(p.pubname), s.pnnspid, quote_ident(n.nspname)"
                    + " FROM pg_catalog.pg_publication_namespace s JOIN pg_catalog.pg_publication p ON p.oid = s.pnpubid"
                    + " JOIN pg_catalog.pg_namespace n ON n.oid = s.pnnspid ORDER BY 3, 5", rs -> member(catalog,
                            new ObjectRef("pg_publication_namespace", rs.getLong(1)), rs.getLong(2),
                            "publication " + rs.getString(3) + " of schema " + rs.getString(5),
                            "ALTER PUBLICATION " + rs.getString(3) + " ADD TABLES IN SCHEMA " + rs.getString(5) + ";\n",
                            ObjectRef.namespace(rs.getLong(4))));
        }
    }

    private static void member(Catalog catalog, ObjectRef ref, long publication, String label, String sql,
                               ObjectRef object) {
        DumpItem item = DumpItem.ddl(ref, ItemKind.PUBLICATION_MEMBER, label, label, sql);
        catalog.add(item);
        item.dependOn(catalog.item(new ObjectRef("pg_publication", publication)));
        item.dependOn(catalog.item(object));
    }

    private static void subscriptions(Catalog catalog) throws SQLException {
        boolean any;
        try (java.sql.Statement st = catalog.connection.createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_subscription"
                        + " WHERE subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()))")) {
            rs.next();
            any = rs.getBoolean(1);
        }
        if (!any) {
            return;
        }
        List<String> options = new ArrayList<>();
        options.add("CASE WHEN s.subslotname IS NULL THEN ', slot_name = NONE'"
                + " ELSE ', slot_name = ' || quote_literal(s.subslotname) END");
        options.add("CASE WHEN s.subsynccommit <> 'off' THEN ', synchronous_commit = ' || quote_literal(s.subsynccommit)"
                + " ELSE '' END");
        if (catalog.atLeast(140000)) {
            options.add("CASE WHEN s.subbinary THEN ', binary = true' ELSE '' END");
            options.add(catalog.atLeast(160000)
                    ? "CASE s.substream WHEN 't' THEN ', streaming = on' WHEN 'p' THEN ', streaming = parallel' ELSE '' END"
                    : "CASE WHEN s.substream THEN ', streaming = on' ELSE '' END");
        }
        if (catalog.atLeast(150000)) {
            options.add("CASE WHEN s.subtwophasestate <> 'd' THEN ', two_phase = on' ELSE '' END");
            options.add("CASE WHEN s.subdisableonerr THEN ', disable_on_error = true' ELSE '' END");
        }
        if (catalog.atLeast(160000)) {
            options.add("CASE WHEN NOT s.subpasswordrequired THEN ', password_required = false' ELSE '' END");
            options.add("CASE WHEN s.subrunasowner THEN ', run_as_owner = true' ELSE '' END");
            options.add("CASE WHEN s.suborigin <> 'any' THEN ', origin = ' || quote_literal(s.suborigin) ELSE '' END");
        }
        if (catalog.atLeast(170000)) {
            options.add("CASE WHEN s.subfailover THEN ', failover = true' ELSE '' END");
        }
        try {
            catalog.query("SELECT s.oid, quote_ident(s.subname), quote_literal(s.subconninfo),"
                    + " (SELECT string_agg(quote_ident(p), ', ') FROM unnest(s.subpublications) p), "
                    + String.join(" || ", options)
                    + " FROM pg_catalog.pg_subscription s WHERE s.subdbid = (SELECT oid FROM pg_catalog.pg_database"
                    + " WHERE datname = current_database()) ORDER BY 2", rs -> {
                        String name = rs.getString(2);
                        catalog.addObject(new ObjectRef("pg_subscription", rs.getLong(1)), ItemKind.SUBSCRIPTION,
                                "subscription " + name, name, "CREATE SUBSCRIPTION " + name + " CONNECTION "
                                        + rs.getString(3) + " PUBLICATION " + rs.getString(4) + " WITH (connect = false"
                                        + rs.getString(5) + ");\n", 0, "SUBSCRIPTION " + name,
                                "SUBSCRIPTION " + name, null);
                    });
        } catch (SQLException e) {
            if ("42501".equals(e.getSQLState())) {
                throw new PgvaultException("the database has subscriptions, whose connection strings only a superuser"
                        + " (or a member of pg_read_all_data) can read; back up as such a role", e);
            }
            throw e;
        }
    }
}
