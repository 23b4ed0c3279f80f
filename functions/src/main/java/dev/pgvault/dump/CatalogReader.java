package dev.pgvault.dump;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the database's definitions from the system catalogs, inside the dump's snapshot,
 * and turns them into dump items with their dependencies. Definitions are rendered by the
 * server itself ({@code pg_get_viewdef}, {@code pg_get_constraintdef}, {@code pg_get_indexdef},
 * {@code format_type}, {@code pg_get_expr}) with an empty search path, so every name comes out
 * schema-qualified and in the server's own, version-correct syntax.
 */
final class CatalogReader {
    private static final String USER_SCHEMA = "n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'";
    private static final String DEFAULT_PUBLIC_COMMENT = "standard public schema";

    private final Connection connection;
    private final int serverVersionNum;

    /** Every item by the catalog object that creates it (and by objects that map onto it). */
    private final Map<ObjectRef, DumpItem> itemsByRef = new HashMap<>();
    private final List<DumpItem> items = new ArrayList<>();
    private final Map<Long, Relation> relations = new LinkedHashMap<>();
    private final Map<Long, DumpItem> schemaItems = new HashMap<>();

    record Relation(long oid, long namespace, String schema, String name, String qualified, char kind,
                    char persistence, String options, char replicaIdentity) {}

    CatalogReader(Connection connection, int serverVersionNum) {
        this.connection = connection;
        this.serverVersionNum = serverVersionNum;
    }

    /** The tables whose data is dumped, as read by {@link #readRelations()}. */
    List<Relation> tables() {
        return relations.values().stream().filter(r -> r.kind() == 'r').toList();
    }

    /** Step one, before locking: the schemas and relations to dump. */
    void readRelations() throws SQLException {
        readSchemas();
        String sql = "SELECT c.oid, c.relnamespace, n.nspname, c.relname,"
                + " quote_ident(n.nspname) || '.' || quote_ident(c.relname), c.relkind, c.relpersistence,"
                + " array_to_string(c.reloptions, ', '), c.relreplident"
                + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('r', 'v', 'S') AND " + USER_SCHEMA
                + " AND " + UnsupportedObjects.notInExtension("pg_class", "c.oid")
                + " ORDER BY n.nspname, c.relname";
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                Relation relation = new Relation(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6).charAt(0), rs.getString(7).charAt(0), rs.getString(8),
                        rs.getString(9).charAt(0));
                relations.put(relation.oid(), relation);
            }
        }
    }

    /** Step two, after locking: every definition, as ordered-to-be items. */
    List<DumpItem> readDefinitions() throws SQLException {
        Map<Long, List<Column>> columns = readColumns();
        Map<Long, Long> identitySequenceOwner = readIdentitySequences();
        readSequences(identitySequenceOwner, columns);
        readTables(columns);
        readViews();
        readConstraints();
        readIndexes();
        readComments(columns);
        readDependencies();
        return items;
    }

    // ------------------------------------------------------------------ schemas

    private void readSchemas() throws SQLException {
        String sql = "SELECT n.oid, n.nspname, quote_ident(n.nspname), d.description"
                + " FROM pg_catalog.pg_namespace n LEFT JOIN pg_catalog.pg_description d"
                + " ON d.classoid = 'pg_catalog.pg_namespace'::regclass AND d.objoid = n.oid AND d.objsubid = 0"
                + " WHERE " + USER_SCHEMA + " AND " + UnsupportedObjects.notInExtension("pg_namespace", "n.oid")
                + " ORDER BY n.nspname";
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                String name = rs.getString(2);
                String quoted = rs.getString(3);
                String comment = rs.getString(4);
                StringBuilder ddl = new StringBuilder();
                // Every new database has "public"; creating it again would fail.
                if (!name.equals("public")) {
                    ddl.append("CREATE SCHEMA ").append(quoted).append(";\n");
                }
                if (comment != null && !(name.equals("public") && comment.equals(DEFAULT_PUBLIC_COMMENT))) {
                    ddl.append("COMMENT ON SCHEMA ").append(quoted).append(" IS ")
                            .append(SqlText.literal(comment)).append(";\n");
                }
                DumpItem item = DumpItem.ddl(ObjectRef.namespace(rs.getLong(1)), ItemKind.SCHEMA,
                        "schema " + name, name, ddl.toString());
                add(item);
                schemaItems.put(rs.getLong(1), item);
            }
        }
    }

    // ------------------------------------------------------------------ columns

    record Column(int number, String name, String quotedName, String type, boolean notNull, String defaultExpr,
                  char identity, char generated, String collation, Integer statistics, String storage) {}

    private Map<Long, List<Column>> readColumns() throws SQLException {
        Map<Long, List<Column>> byTable = new HashMap<>();
        String sql = "SELECT a.attrelid, a.attnum, a.attname, quote_ident(a.attname),"
                + " pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,"
                + " pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,"
                + " CASE WHEN a.attcollation <> t.typcollation AND a.attcollation <> 0"
                + "   THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END,"
                + " NULLIF(a.attstattarget, -1),"
                + " CASE WHEN a.attstorage <> t.typstorage THEN a.attstorage END"
                + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid"
                + " LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation"
                + " LEFT JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace"
                + " WHERE a.attrelid = ANY(?::pg_catalog.oid[]) AND a.attnum > 0 AND NOT a.attisdropped"
                + " ORDER BY a.attrelid, a.attnum";
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setArray(1, oids(relationOids('r')));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String identity = rs.getString(8);
                    String generated = rs.getString(9);
                    int statistics = rs.getInt(11);
                    Integer statisticsTarget = rs.wasNull() ? null : statistics;
                    byTable.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new Column(
                            rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getBoolean(6),
                            rs.getString(7),
                            identity == null || identity.isEmpty() ? 0 : identity.charAt(0),
                            generated == null || generated.isEmpty() ? 0 : generated.charAt(0),
                            rs.getString(10), statisticsTarget, rs.getString(12)));
                }
            }
        }
        return byTable;
    }

    // ------------------------------------------------------------------ sequences

    private record SequenceOptions(String type, long start, long increment, long min, long max, long cache,
                                   boolean cycle) {
        String render(boolean withType) {
            return (withType ? "    AS " + type + "\n" : "")
                    + "    START WITH " + start + "\n"
                    + "    INCREMENT BY " + increment + "\n"
                    + "    MINVALUE " + min + "\n"
                    + "    MAXVALUE " + max + "\n"
                    + "    CACHE " + cache + (cycle ? "\n    CYCLE" : "");
        }
    }

    private final Map<Long, SequenceOptions> identityOptions = new HashMap<>();
    private final Map<Long, String> identitySequenceNames = new HashMap<>();

    /** Identity sequences by owning column: (table oid << 16 | column number) -> sequence oid. */
    private Map<Long, Long> readIdentitySequences() throws SQLException {
        Map<Long, Long> owners = new HashMap<>();
        String sql = "SELECT d.objid, d.refobjid, d.refobjsubid FROM pg_catalog.pg_depend d"
                + " WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass"
                + " AND d.deptype = 'i' AND d.objid = ANY(?::pg_catalog.oid[])";
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setArray(1, oids(relationOids('S')));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    owners.put(rs.getLong(1), (rs.getLong(2) << 16) | rs.getInt(3));
                }
            }
        }
        return owners;
    }

    private void readSequences(Map<Long, Long> identityOwner, Map<Long, List<Column>> columns) throws SQLException {
        String sql = "SELECT s.seqrelid, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,"
                + " s.seqmin, s.seqmax, s.seqcache, s.seqcycle, o.refobjid, o.refobjsubid,"
                + " quote_ident(a.attname)"
                + " FROM pg_catalog.pg_sequence s"
                + " LEFT JOIN pg_catalog.pg_depend o ON o.classid = 'pg_catalog.pg_class'::regclass"
                + "   AND o.objid = s.seqrelid AND o.refclassid = 'pg_catalog.pg_class'::regclass AND o.deptype = 'a'"
                + " LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = o.refobjid AND a.attnum = o.refobjsubid"
                + " WHERE s.seqrelid = ANY(?::pg_catalog.oid[])";
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setArray(1, oids(relationOids('S')));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long oid = rs.getLong(1);
                    Relation sequence = relations.get(oid);
                    SequenceOptions options = new SequenceOptions(rs.getString(2), rs.getLong(3), rs.getLong(4),
                            rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getBoolean(8));
                    if (identityOwner.containsKey(oid)) {
                        // Created by its column's GENERATED ... AS IDENTITY clause; only its value is dumped.
                        identityOptions.put(identityOwner.get(oid), options);
                        identitySequenceNames.put(identityOwner.get(oid), sequence.qualified());
                        addSequenceValue(sequence, relations.get(identityOwner.get(oid) >> 16));
                        continue;
                    }
                    DumpItem create = DumpItem.ddl(ObjectRef.relation(oid), ItemKind.SEQUENCE,
                            "sequence " + sequence.qualified(), sortName(sequence),
                            "CREATE SEQUENCE " + sequence.qualified() + "\n" + options.render(true) + ";\n");
                    add(create);
                    dependOnSchema(create, sequence);
                    long ownerTable = rs.getLong(9);
                    if (!rs.wasNull() && relations.containsKey(ownerTable)) {
                        Relation table = relations.get(ownerTable);
                        DumpItem ownedBy = DumpItem.ddl(new ObjectRef("owned_by", oid), ItemKind.SEQUENCE_OWNED_BY,
                                "ownership of sequence " + sequence.qualified(), sortName(sequence),
                                "ALTER SEQUENCE " + sequence.qualified() + " OWNED BY " + table.qualified() + "."
                                        + rs.getString(11) + ";\n");
                        items.add(ownedBy);
                        ownedBy.dependOn(create);
                        pendingEdges.add(new Edge(ownedBy, ObjectRef.relation(ownerTable)));
                    }
                    addSequenceValue(sequence, null);
                }
            }
        }
    }

    private void addSequenceValue(Relation sequence, Relation identityTable) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT last_value, is_called FROM " + sequence.qualified())) {
            rs.next();
            DumpItem set = DumpItem.ddl(new ObjectRef("sequence_set", sequence.oid()), ItemKind.SEQUENCE_SET,
                    "value of sequence " + sequence.qualified(), sortName(sequence),
                    "SELECT pg_catalog.setval(" + SqlText.literal(sequence.qualified()) + ", " + rs.getLong(1)
                            + ", " + rs.getBoolean(2) + ");\n");
            items.add(set);
            pendingEdges.add(new Edge(set, ObjectRef.relation(
                    identityTable == null ? sequence.oid() : identityTable.oid())));
        }
    }

    // ------------------------------------------------------------------ tables

    private final Map<Long, TableData> tableData = new HashMap<>();
    private final Map<Long, StringBuilder> inlineChecks = new HashMap<>();

    private void readTables(Map<Long, List<Column>> columns) throws SQLException {
        readInlineChecks();
        for (Relation table : tables()) {
            List<Column> tableColumns = columns.getOrDefault(table.oid(), List.of());
            StringBuilder ddl = new StringBuilder("CREATE ")
                    .append(table.persistence() == 'u' ? "UNLOGGED " : "")
                    .append("TABLE ").append(table.qualified()).append(" (");
            List<String> lines = new ArrayList<>();
            List<String> copyColumns = new ArrayList<>();
            StringBuilder after = new StringBuilder();
            for (Column column : tableColumns) {
                lines.add(columnDefinition(table, column));
                if (column.generated() == 0) {
                    copyColumns.add(column.quotedName());
                }
                String target = "ALTER TABLE ONLY " + table.qualified() + " ALTER COLUMN " + column.quotedName();
                if (column.statistics() != null) {
                    after.append(target).append(" SET STATISTICS ").append(column.statistics()).append(";\n");
                }
                if (column.storage() != null) {
                    after.append(target).append(" SET STORAGE ").append(storageName(column.storage())).append(";\n");
                }
            }
            StringBuilder checks = inlineChecks.get(table.oid());
            if (checks != null) {
                lines.add(checks.toString());
            }
            ddl.append(lines.isEmpty() ? "" : "\n    " + String.join(",\n    ", lines) + "\n").append(")");
            if (table.options() != null && !table.options().isEmpty()) {
                ddl.append("\nWITH (").append(table.options()).append(")");
            }
            ddl.append(";\n").append(after);
            if (table.replicaIdentity() == 'f') {
                ddl.append("ALTER TABLE ONLY ").append(table.qualified()).append(" REPLICA IDENTITY FULL;\n");
            } else if (table.replicaIdentity() == 'n') {
                ddl.append("ALTER TABLE ONLY ").append(table.qualified()).append(" REPLICA IDENTITY NOTHING;\n");
            }
            DumpItem create = DumpItem.ddl(ObjectRef.relation(table.oid()), ItemKind.TABLE,
                    "table " + table.qualified(), sortName(table), ddl.toString());
            add(create);
            dependOnSchema(create, table);

            TableData data = new TableData(table.oid(), table.schema(), table.name(), table.qualified(), copyColumns);
            tableData.put(table.oid(), data);
            DumpItem dataItem = new DumpItem(new ObjectRef("table_data", table.oid()), ItemKind.TABLE_DATA,
                    "data of table " + table.qualified(), sortName(table), data);
            items.add(dataItem);
            dataItem.dependOn(create);
        }
    }

    private String columnDefinition(Relation table, Column column) {
        StringBuilder definition = new StringBuilder(column.quotedName()).append(' ').append(column.type());
        if (column.collation() != null) {
            definition.append(" COLLATE ").append(column.collation());
        }
        if (column.generated() != 0) {
            definition.append(" GENERATED ALWAYS AS (").append(column.defaultExpr()).append(")")
                    .append(column.generated() == 'v' ? " VIRTUAL" : " STORED");
        } else if (column.defaultExpr() != null) {
            definition.append(" DEFAULT ").append(column.defaultExpr());
        }
        if (column.notNull()) {
            definition.append(" NOT NULL");
        }
        if (column.identity() != 0) {
            long key = (table.oid() << 16) | column.number();
            SequenceOptions options = identityOptions.get(key);
            definition.append(column.identity() == 'a' ? " GENERATED ALWAYS" : " GENERATED BY DEFAULT")
                    .append(" AS IDENTITY (\n    SEQUENCE NAME ").append(identitySequenceNames.get(key)).append("\n")
                    .append(options.render(false).indent(4).stripTrailing()).append("\n    )");
        }
        return definition.toString();
    }

    private static String storageName(String code) {
        return switch (code) {
            case "p" -> "PLAIN";
            case "e" -> "EXTERNAL";
            case "m" -> "MAIN";
            default -> "EXTENDED";
        };
    }

    /** Validated, local CHECK constraints go inside CREATE TABLE, as pg_dump writes them. */
    private void readInlineChecks() throws SQLException {
        String sql = "SELECT con.oid, con.conrelid, quote_ident(con.conname), pg_catalog.pg_get_constraintdef(con.oid)"
                + " FROM pg_catalog.pg_constraint con WHERE con.conrelid = ANY(?::pg_catalog.oid[]) AND con.contype = 'c'"
                + " AND con.convalidated AND con.conislocal ORDER BY con.conrelid, con.conname";
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setArray(1, oids(relationOids('r')));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    StringBuilder checks = inlineChecks.computeIfAbsent(rs.getLong(2), k -> new StringBuilder());
                    if (!checks.isEmpty()) {
                        checks.append(",\n    ");
                    }
                    checks.append("CONSTRAINT ").append(rs.getString(3)).append(' ').append(rs.getString(4));
                    inlineConstraintOids.add(rs.getLong(1));
                }
            }
        }
    }

    private final java.util.Set<Long> inlineConstraintOids = new java.util.HashSet<>();

    // ------------------------------------------------------------------ views

    private void readViews() throws SQLException {
        String sql = "SELECT c.oid, pg_catalog.pg_get_viewdef(c.oid) FROM pg_catalog.pg_class c WHERE c.oid = ANY(?::pg_catalog.oid[])";
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setArray(1, oids(relationOids('v')));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Relation view = relations.get(rs.getLong(1));
                    String definition = rs.getString(2).strip();
                    if (definition.endsWith(";")) {
                        definition = definition.substring(0, definition.length() - 1);
                    }
                    String options = view.options() == null || view.options().isEmpty()
                            ? "" : " WITH (" + view.options() + ")";
                    DumpItem create = DumpItem.ddl(ObjectRef.relation(view.oid()), ItemKind.VIEW,
                            "view " + view.qualified(), sortName(view),
                            "CREATE VIEW " + view.qualified() + options + " AS\n" + definition + ";\n");
                    add(create);
                    dependOnSchema(create, view);
                }
            }
        }
    }

    // ------------------------------------------------------------------ constraints and indexes

    private void readConstraints() throws SQLException {
        String sql = "SELECT con.oid, con.conrelid, quote_ident(con.conname), con.contype,"
                + " pg_catalog.pg_get_constraintdef(con.oid), con.conindid"
                + " FROM pg_catalog.pg_constraint con WHERE con.conrelid = ANY(?::pg_catalog.oid[])"
                + " AND con.contype IN ('c', 'p', 'u', 'f', 'x') AND con.conislocal"
                + " ORDER BY con.conrelid, con.conname";
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setArray(1, oids(relationOids('r')));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long oid = rs.getLong(1);
                    Relation table = relations.get(rs.getLong(2));
                    if (inlineConstraintOids.contains(oid)) {
                        itemsByRef.put(ObjectRef.constraint(oid), itemsByRef.get(ObjectRef.relation(table.oid())));
                        continue;
                    }
                    boolean foreignKey = rs.getString(4).equals("f");
                    DumpItem item = DumpItem.ddl(ObjectRef.constraint(oid),
                            foreignKey ? ItemKind.FOREIGN_KEY : ItemKind.CONSTRAINT,
                            "constraint " + rs.getString(3) + " on " + table.qualified(),
                            sortName(table) + " " + rs.getString(3),
                            "ALTER TABLE ONLY " + table.qualified() + "\n    ADD CONSTRAINT " + rs.getString(3) + " "
                                    + rs.getString(5) + ";\n");
                    add(item);
                    item.dependOn(itemsByRef.get(ObjectRef.relation(table.oid())));
                    long index = rs.getLong(6);
                    if (!foreignKey && index != 0) {
                        // The index that enforces it is created by the constraint.
                        itemsByRef.put(ObjectRef.relation(index), item);
                    }
                }
            }
        }
    }

    private void readIndexes() throws SQLException {
        String sql = "SELECT i.indexrelid, i.indrelid, quote_ident(ic.relname), pg_catalog.pg_get_indexdef(i.indexrelid),"
                + " i.indisclustered, i.indisvalid"
                + " FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
                + " WHERE i.indrelid = ANY(?::pg_catalog.oid[]) ORDER BY i.indrelid, ic.relname";
        try (PreparedStatement st = connection.prepareStatement(sql)) {
            st.setArray(1, oids(relationOids('r')));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long oid = rs.getLong(1);
                    Relation table = relations.get(rs.getLong(2));
                    String name = rs.getString(3);
                    DumpItem owner = itemsByRef.get(ObjectRef.relation(oid));
                    if (owner == null) {
                        if (!rs.getBoolean(6)) {
                            continue; // an invalid index (failed CREATE INDEX CONCURRENTLY) is not restored, as pg_dump
                        }
                        owner = DumpItem.ddl(ObjectRef.relation(oid), ItemKind.INDEX,
                                "index " + name + " on " + table.qualified(), sortName(table) + " " + name,
                                rs.getString(4) + ";\n");
                        add(owner);
                        owner.dependOn(itemsByRef.get(ObjectRef.relation(table.oid())));
                    }
                    if (rs.getBoolean(5)) {
                        DumpItem cluster = DumpItem.ddl(new ObjectRef("cluster_on", oid), ItemKind.INDEX_ATTACHMENT,
                                "clustering of " + table.qualified(), sortName(table),
                                "ALTER TABLE " + table.qualified() + " CLUSTER ON " + name + ";\n");
                        items.add(cluster);
                        cluster.dependOn(owner);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ comments

    private void readComments(Map<Long, List<Column>> columns) throws SQLException {
        String sql = "SELECT d.classoid::regclass::text, d.objoid, d.objsubid, d.description"
                + " FROM pg_catalog.pg_description d"
                + " WHERE d.classoid IN ('pg_catalog.pg_class'::regclass, 'pg_catalog.pg_constraint'::regclass)"
                + " AND d.objoid >= 16384 ORDER BY 1, 2, 3";
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                String catalog = rs.getString(1).replace("pg_catalog.", "");
                long oid = rs.getLong(2);
                int column = rs.getInt(3);
                String text = SqlText.literal(rs.getString(4));
                if (catalog.equals("pg_constraint")) {
                    commentOnConstraint(oid, text);
                    continue;
                }
                DumpItem item = itemsByRef.get(ObjectRef.relation(oid));
                Relation relation = relations.get(oid);
                if (item == null) {
                    continue; // an object outside what we dump (system, extension)
                }
                if (relation == null) {
                    if (item.kind() == ItemKind.INDEX) {
                        item.appendSql("COMMENT ON INDEX " + indexName(item) + " IS " + text + ";\n");
                    }
                    continue; // a constraint's index: its comment belongs to the constraint
                }
                if (column > 0) {
                    String columnName = columns.getOrDefault(oid, List.of()).stream()
                            .filter(c -> c.number() == column).map(Column::quotedName).findFirst().orElse(null);
                    if (columnName != null) {
                        item.appendSql("COMMENT ON COLUMN " + relation.qualified() + "." + columnName
                                + " IS " + text + ";\n");
                    } else if (relation.kind() == 'v') {
                        item.appendSql(viewColumnComment(relation, column, text));
                    }
                    continue;
                }
                String kind = switch (relation.kind()) {
                    case 'v' -> "VIEW";
                    case 'S' -> "SEQUENCE";
                    default -> "TABLE";
                };
                item.appendSql("COMMENT ON " + kind + " " + relation.qualified() + " IS " + text + ";\n");
            }
        }
    }

    private String viewColumnComment(Relation view, int column, String text) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT quote_ident(attname) FROM pg_catalog.pg_attribute WHERE attrelid = ? AND attnum = ?")) {
            st.setLong(1, view.oid());
            st.setInt(2, column);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? "COMMENT ON COLUMN " + view.qualified() + "." + rs.getString(1)
                        + " IS " + text + ";\n" : "";
            }
        }
    }

    private void commentOnConstraint(long oid, String text) throws SQLException {
        DumpItem item = itemsByRef.get(ObjectRef.constraint(oid));
        if (item == null) {
            return;
        }
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT quote_ident(conname), conrelid FROM pg_catalog.pg_constraint WHERE oid = ?")) {
            st.setLong(1, oid);
            try (ResultSet rs = st.executeQuery()) {
                if (rs.next() && relations.containsKey(rs.getLong(2))) {
                    item.appendSql("COMMENT ON CONSTRAINT " + rs.getString(1) + " ON "
                            + relations.get(rs.getLong(2)).qualified() + " IS " + text + ";\n");
                }
            }
        }
    }

    private String indexName(DumpItem index) throws SQLException {
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_catalog.pg_class c"
                        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ?")) {
            st.setLong(1, index.ref().oid());
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    // ------------------------------------------------------------------ dependencies

    private record Edge(DumpItem from, ObjectRef to) {}

    private final List<Edge> pendingEdges = new ArrayList<>();

    /**
     * Adds pg_depend's edges between the objects we dump. Objects that are part of another
     * (a view's rewrite rule, a column default, a table's row type) are mapped onto the item
     * that creates them. A sequence's ownership by a column is not an ordering edge: the
     * sequence must exist before the table whose default calls nextval() on it, and the
     * OWNED BY is its own item after both.
     */
    private void readDependencies() throws SQLException {
        Map<ObjectRef, ObjectRef> partOf = new HashMap<>();
        try (Statement st = connection.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT oid, ev_class FROM pg_catalog.pg_rewrite WHERE ev_class >= 16384")) {
                while (rs.next()) {
                    partOf.put(new ObjectRef("pg_rewrite", rs.getLong(1)), ObjectRef.relation(rs.getLong(2)));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT oid, adrelid FROM pg_catalog.pg_attrdef WHERE adrelid >= 16384")) {
                while (rs.next()) {
                    partOf.put(new ObjectRef("pg_attrdef", rs.getLong(1)), ObjectRef.relation(rs.getLong(2)));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT oid, typrelid FROM pg_catalog.pg_type WHERE typrelid >= 16384")) {
                while (rs.next()) {
                    partOf.put(new ObjectRef("pg_type", rs.getLong(1)), ObjectRef.relation(rs.getLong(2)));
                }
            }
            String sql = "SELECT d.classid::regclass::text, d.objid, d.refclassid::regclass::text, d.refobjid, d.deptype"
                    + " FROM pg_catalog.pg_depend d WHERE d.objid >= 16384 AND d.refobjid >= 16384"
                    + " AND d.deptype IN ('n', 'a', 'i')";
            try (ResultSet rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    ObjectRef from = resolve(new ObjectRef(rs.getString(1).replace("pg_catalog.", ""), rs.getLong(2)), partOf);
                    ObjectRef to = resolve(new ObjectRef(rs.getString(3).replace("pg_catalog.", ""), rs.getLong(4)), partOf);
                    DumpItem fromItem = itemsByRef.get(from);
                    DumpItem toItem = itemsByRef.get(to);
                    if (fromItem == null || toItem == null || fromItem == toItem) {
                        continue;
                    }
                    char type = rs.getString(5).charAt(0);
                    if (fromItem.kind() == ItemKind.SEQUENCE && type != 'n') {
                        continue;
                    }
                    fromItem.dependOn(toItem);
                }
            }
        }
        for (Edge edge : pendingEdges) {
            edge.from().dependOn(itemsByRef.get(edge.to()));
        }
    }

    private static ObjectRef resolve(ObjectRef ref, Map<ObjectRef, ObjectRef> partOf) {
        ObjectRef whole = partOf.get(ref);
        return whole == null ? ref : whole;
    }

    // ------------------------------------------------------------------ helpers

    private void add(DumpItem item) {
        items.add(item);
        itemsByRef.put(item.ref(), item);
    }

    private void dependOnSchema(DumpItem item, Relation relation) {
        item.dependOn(schemaItems.get(relation.namespace()));
    }

    private static String sortName(Relation relation) {
        return relation.schema() + "\u0000" + relation.name();
    }

    private long[] relationOids(char kind) {
        return relations.values().stream().filter(r -> r.kind() == kind).mapToLong(Relation::oid).toArray();
    }

    private Array oids(long[] values) throws SQLException {
        Long[] boxed = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return connection.createArrayOf("int8", boxed);
    }

    Map<Long, TableData> tableData() {
        return tableData;
    }

    int serverVersionNum() {
        return serverVersionNum;
    }
}
