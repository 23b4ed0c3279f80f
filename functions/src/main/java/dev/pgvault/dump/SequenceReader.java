package dev.pgvault.dump;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * Sequences with their options, OWNED BY and current value. An identity column's sequence is
 * created by the column's GENERATED ... AS IDENTITY clause (its options go there); only its
 * value is dumped on its own.
 */
final class SequenceReader {
    private SequenceReader() {}

    private record Options(String type, long start, long increment, long min, long max, long cache, boolean cycle) {
        String render(boolean withType) {
            return (withType ? "    AS " + type + "\n" : "")
                    + "    START WITH " + start + "\n"
                    + "    INCREMENT BY " + increment + "\n"
                    + "    MINVALUE " + min + "\n"
                    + "    MAXVALUE " + max + "\n"
                    + "    CACHE " + cache + (cycle ? "\n    CYCLE" : "");
        }
    }

    static void read(Catalog catalog) throws SQLException {
        // Identity sequences depend internally on their column: sequence oid -> (table, column).
        Map<Long, long[]> identityOwner = new HashMap<>();
        catalog.query("SELECT d.objid, d.refobjid, d.refobjsubid FROM pg_catalog.pg_depend d"
                + " WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass"
                + " AND d.deptype = 'i' AND d.objid = ANY(?::pg_catalog.oid[])",
                rs -> identityOwner.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getInt(3)}),
                catalog.relationOids('S'));

        String sql = "SELECT s.seqrelid, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,"
                + " s.seqmin, s.seqmax, s.seqcache, s.seqcycle, o.refobjid, quote_ident(a.attname)"
                + " FROM pg_catalog.pg_sequence s"
                + " LEFT JOIN pg_catalog.pg_depend o ON o.classid = 'pg_catalog.pg_class'::regclass"
                + "   AND o.objid = s.seqrelid AND o.refclassid = 'pg_catalog.pg_class'::regclass AND o.deptype = 'a'"
                + " LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = o.refobjid AND a.attnum = o.refobjsubid"
                + " WHERE s.seqrelid = ANY(?::pg_catalog.oid[])";
        catalog.query(sql, rs -> {
            long oid = rs.getLong(1);
            Relation sequence = catalog.relations.get(oid);
            Options options = new Options(rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                    rs.getLong(6), rs.getLong(7), rs.getBoolean(8));
            long[] identity = identityOwner.get(oid);
            if (identity != null) {
                // Made with its table's persistence (from 15, when sequences can be unlogged); one
                // changed since says so.
                Relation owner = catalog.relations.get(identity[0]);
                String persistence = catalog.atLeast(150000) && owner != null
                        && owner.persistence() != sequence.persistence()
                        ? (sequence.persistence() == 'u' ? "\n        UNLOGGED" : "\n        LOGGED") : "";
                catalog.identityOptions.put(identity[0] + ":" + identity[1], "(\n    SEQUENCE NAME "
                        + sequence.qualified() + persistence + "\n" + options.render(false).indent(4).stripTrailing()
                        + "\n    )");
                catalog.identitySequences.put(oid, identity[0]);
                addValue(catalog, sequence, identity[0]);
                return;
            }
            DumpItem create = DumpItem.ddl(ObjectRef.relation(oid), ItemKind.SEQUENCE,
                    "sequence " + sequence.qualified(), sequence.sortName(),
                    "CREATE " + (sequence.persistence() == 'u' ? "UNLOGGED " : "") + "SEQUENCE "
                            + sequence.qualified() + "\n" + options.render(true) + ";\n");
            catalog.add(create);
            catalog.inSchema(create, sequence.namespace());
            catalog.commentOn("pg_class", oid, 0, create, "SEQUENCE " + sequence.qualified());
            catalog.owned(ObjectRef.relation(oid), create, "SEQUENCE " + sequence.qualified(),
                    "SEQUENCE " + sequence.qualified());
            long ownerTable = rs.getLong(9);
            if (!rs.wasNull() && catalog.relations.containsKey(ownerTable)) {
                Relation table = catalog.relations.get(ownerTable);
                DumpItem ownedBy = DumpItem.ddl(new ObjectRef("owned_by", oid), ItemKind.SEQUENCE_OWNED_BY,
                        "ownership of sequence " + sequence.qualified(), sequence.sortName(),
                        "ALTER SEQUENCE " + sequence.qualified() + " OWNED BY " + table.qualified() + "."
                                + rs.getString(10) + ";\n");
                catalog.add(ownedBy);
                ownedBy.dependOn(create);
                // The table comes from TableReader, later: the edge is added by DependencyReader.
                catalog.pendingEdge(ownedBy, ObjectRef.relation(ownerTable));
            }
            addValue(catalog, sequence, oid);
        }, catalog.relationOids('S'));
    }

    /** setval() in the data section, after whatever creates the sequence ({@code creator}). */
    private static void addValue(Catalog catalog, Relation sequence, long creator) throws SQLException {
        try (Statement st = catalog.connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT last_value, is_called FROM " + sequence.qualified())) {
            rs.next();
            DumpItem set = DumpItem.ddl(new ObjectRef("sequence_set", sequence.oid()), ItemKind.SEQUENCE_SET,
                    "value of sequence " + sequence.qualified(), sequence.sortName(),
                    "SELECT pg_catalog.setval(" + SqlText.literal(sequence.qualified()) + ", " + rs.getLong(1)
                            + ", " + rs.getBoolean(2) + ");\n");
            catalog.add(set);
            catalog.pendingEdge(set, ObjectRef.relation(creator));
        }
    }
}
