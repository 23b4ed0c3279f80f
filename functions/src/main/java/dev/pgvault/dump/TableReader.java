package dev.pgvault.dump;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tables, partitioned tables and partitions, inheritance children: their CREATE TABLE (see
 * {@link TableDefinition}), the ATTACH PARTITION of each partition, and the data of every
 * table that holds rows (partitioned tables hold none; their leaves do).
 */
final class TableReader {
    private TableReader() {}

    static void read(Catalog catalog) throws SQLException {
        List<Relation> tables = catalog.relations('r', 'p', 'f');
        if (tables.isEmpty()) {
            return;
        }
        Map<Long, List<Relation>> parents = parents(catalog);
        Map<Long, Map<Integer, TableDefinition.NotNull>> notNulls = catalog.atLeast(180000) ? notNulls(catalog) : null;
        Map<Long, TableDefinition> definitions = new HashMap<>();
        for (Relation table : tables) {
            List<Column> columns = catalog.columns.getOrDefault(table.oid(), List.of());
            List<Relation> tableParents = parents.getOrDefault(table.oid(), List.of());
            Map<String, List<Column>> parentColumns = new LinkedHashMap<>();
            for (Relation parent : tableParents) {
                for (Column column : catalog.columns.getOrDefault(parent.oid(), List.of())) {
                    parentColumns.computeIfAbsent(column.name(), k -> new ArrayList<>()).add(column);
                }
            }
            boolean inheritsClause = !table.partition() && !tableParents.isEmpty()
                    && naturalOrder(columns, parentColumns);
            TableDefinition definition = new TableDefinition(table, columns, tableParents, parentColumns,
                    inheritsClause, notNulls == null ? null : notNulls.getOrDefault(table.oid(), Map.of()),
                    catalog.identityOptions, catalog.foreignTables.get(table.oid()), catalog.foreignColumnOptions);
            definitions.put(table.oid(), definition);
            DumpItem create = DumpItem.rendered(ObjectRef.relation(table.oid()), ItemKind.TABLE,
                    "table " + table.qualified(), table.sortName(), definition::render);
            catalog.add(create);
            catalog.inSchema(create, table.namespace());
            catalog.commentOn("pg_class", table.oid(), 0, create, table.keyword() + " " + table.qualified());
            catalog.owned(ObjectRef.relation(table.oid()), create, table.keyword() + " " + table.qualified(),
                    "TABLE " + table.qualified());
            for (Column column : columns) {
                catalog.commentOn("pg_class", table.oid(), column.number(), create,
                        "COLUMN " + table.qualified() + "." + column.quotedName());
                addDefault(catalog, table, column, definition, create);
            }
            if (table.partition()) {
                addAttachment(catalog, table, tableParents, create);
            }
            if (table.kind() == 'r') {
                addData(catalog, table, columns, create);
            }
        }
        for (Map.Entry<Long, Long> identity : catalog.identitySequences.entrySet()) {
            DumpItem table = catalog.item(ObjectRef.relation(identity.getValue()));
            Relation sequence = catalog.relations.get(identity.getKey());
            if (table != null) {
                // Created with its column: commented and granted with the table, owned as the table is.
                catalog.commentOn("pg_class", sequence.oid(), 0, table, "SEQUENCE " + sequence.qualified());
                catalog.owned(ObjectRef.relation(sequence.oid()), table, null, "SEQUENCE " + sequence.qualified());
            }
        }
        if (notNulls != null) {
            notNulls.forEach((table, constraints) -> constraints.values().forEach(constraint -> {
                if (constraint.validated()) {
                    DumpItem create = catalog.item(ObjectRef.relation(table));
                    catalog.alias(ObjectRef.constraint(constraint.oid()), create);
                    catalog.commentOn("pg_constraint", constraint.oid(), 0, create, "CONSTRAINT "
                            + constraint.quotedName() + " ON " + catalog.relations.get(table).qualified());
                }
            }));
        }
        readChecks(catalog, definitions);
    }

    /** Parents in inhseqno order, for every dumped table that has any. */
    private static Map<Long, List<Relation>> parents(Catalog catalog) throws SQLException {
        Map<Long, List<Relation>> parents = new HashMap<>();
        catalog.query("SELECT i.inhrelid, i.inhparent FROM pg_catalog.pg_inherits i"
                + " WHERE i.inhrelid = ANY(?::pg_catalog.oid[]) ORDER BY i.inhrelid, i.inhseqno", rs -> {
                    Relation parent = catalog.relations.get(rs.getLong(2));
                    if (parent != null) {
                        parents.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(parent);
                    }
                }, catalog.relationOids('r', 'p', 'f'));
        return parents;
    }

    /**
     * Whether CREATE TABLE ... INHERITS would give the child its columns in their present order:
     * the parents' columns first, then its own. A column added to a parent after the child
     * existed lands at the child's end, and then the child is created whole and INHERIT added.
     */
    private static boolean naturalOrder(List<Column> columns, Map<String, List<Column>> parentColumns) {
        List<String> expected = new ArrayList<>(parentColumns.keySet());
        for (Column column : columns) {
            if (!column.inherited()) {
                expected.add(column.name());
            }
        }
        return expected.equals(columns.stream().map(Column::name).toList());
    }

    private static Map<Long, Map<Integer, TableDefinition.NotNull>> notNulls(Catalog catalog) throws SQLException {
        Map<Long, Map<Integer, TableDefinition.NotNull>> found = new HashMap<>();
        catalog.query("SELECT con.conrelid, con.conkey[1], con.oid, quote_ident(con.conname), con.conislocal,"
                + " con.connoinherit, con.convalidated FROM pg_catalog.pg_constraint con"
                + " WHERE con.contype = 'n' AND con.conrelid = ANY(?::pg_catalog.oid[])", rs -> found
                .computeIfAbsent(rs.getLong(1), k -> new HashMap<>())
                .put(rs.getInt(2), new TableDefinition.NotNull(rs.getLong(3), rs.getString(4), rs.getBoolean(5),
                        rs.getBoolean(6), rs.getBoolean(7))), catalog.relationOids('r', 'p', 'f'));
        return found;
    }

    /** A default is its own item, absorbed into the table unless a dependency loop splits it off. */
    private static void addDefault(Catalog catalog, Relation table, Column column, TableDefinition definition,
                                   DumpItem create) {
        if (column.defaultOid() == 0) {
            return;
        }
        ObjectRef ref = ObjectRef.attrdef(column.defaultOid());
        if (column.generatedColumn()) {
            catalog.alias(ref, create); // a generation expression cannot be added afterwards
            return;
        }
        DumpItem part = DumpItem.ddl(ref, ItemKind.DEFAULT,
                "default of " + table.qualified() + "." + column.quotedName(), table.sortName(),
                "ALTER TABLE ONLY " + table.qualified() + " ALTER COLUMN " + column.quotedName()
                        + " SET DEFAULT " + column.defaultExpr() + ";\n");
        catalog.add(part);
        part.absorbInto(create);
        definition.defaultPart(column.number(), part);
    }

    private static void addAttachment(Catalog catalog, Relation table, List<Relation> parents, DumpItem create) {
        if (parents.isEmpty()) {
            return;
        }
        Relation parent = parents.get(0);
        DumpItem attach = DumpItem.ddl(new ObjectRef("attach", table.oid()), ItemKind.TABLE_ATTACH,
                "attachment of partition " + table.qualified(), table.sortName(),
                "ALTER TABLE ONLY " + parent.qualified() + " ATTACH PARTITION " + table.qualified() + " "
                        + table.partitionBound() + ";\n");
        catalog.add(attach);
        attach.dependOn(create);
        attach.dependOn(catalog.item(ObjectRef.relation(parent.oid())));
    }

    private static void addData(Catalog catalog, Relation table, List<Column> columns, DumpItem create) {
        List<String> copyColumns = columns.stream().filter(c -> !c.generatedColumn()).map(Column::quotedName).toList();
        TableData data = new TableData(table.oid(), table.schema(), table.name(), table.qualified(), copyColumns);
        DumpItem item = DumpItem.tableData(new ObjectRef("table_data", table.oid()), "data of table "
                + table.qualified(), table.sortName(), data);
        catalog.add(item);
        item.dependOn(create);
        // Rows go into a partition through its parent's constraints: attached first.
        item.dependOn(catalog.item(new ObjectRef("attach", table.oid())));
    }

    /**
     * Validated CHECK constraints go inside CREATE TABLE, as pg_dump writes them: the table's
     * own, and for a partition (created whole, then attached) the inherited ones too.
     */
    private static void readChecks(Catalog catalog, Map<Long, TableDefinition> definitions) throws SQLException {
        String sql = "SELECT con.oid, con.conrelid, quote_ident(con.conname), pg_catalog.pg_get_constraintdef(con.oid),"
                + " con.conislocal FROM pg_catalog.pg_constraint con"
                + " WHERE con.conrelid = ANY(?::pg_catalog.oid[]) AND con.contype = 'c' AND con.convalidated"
                + " ORDER BY con.conrelid, con.conname";
        catalog.query(sql, rs -> {
            long oid = rs.getLong(1);
            Relation table = catalog.relations.get(rs.getLong(2));
            DumpItem create = catalog.item(ObjectRef.relation(table.oid()));
            String name = rs.getString(3);
            String comment = "CONSTRAINT " + name + " ON " + table.qualified();
            TableDefinition definition = definitions.get(table.oid());
            if (!rs.getBoolean(5) && definition.leavesInheritedChecks()) {
                // Only inherited: the parent's constraint brings it (through the stand-in parent when
                // the child is made through one, so that it stays only inherited).
                catalog.alias(ObjectRef.constraint(oid), create);
                catalog.commentOn("pg_constraint", oid, 0, create, comment);
                if (!definition.inheritsClause()) {
                    definition.inheritedCheck(new TableDefinition.Check(null, name, rs.getString(4)));
                }
                return;
            }
            DumpItem part = DumpItem.ddl(ObjectRef.constraint(oid), ItemKind.CONSTRAINT,
                    "constraint " + name + " on " + table.qualified(), table.sortName() + " " + name,
                    "ALTER TABLE " + (table.hasSubclass() ? "" : "ONLY ") + table.qualified()
                            + " ADD CONSTRAINT " + name + " " + rs.getString(4) + ";\n");
            catalog.add(part);
            part.absorbInto(create);
            definitions.get(table.oid()).check(new TableDefinition.Check(part, name, rs.getString(4)));
            catalog.commentOn("pg_constraint", oid, 0, part, comment);
        }, catalog.relationOids('r', 'p', 'f'));
    }
}
