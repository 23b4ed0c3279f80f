package dev.pgvault.dump;

import java.sql.SQLException;

/**
 * Table constraints added after the data: primary keys, unique and exclusion constraints
 * (their indexes are built once, over all rows), foreign keys (last, so rows load in any
 * order) and CHECK constraints marked NOT VALID (rows stored before them may violate them).
 * Constraints a partition or child inherits come with its parent's, except the index-backed
 * ones of partitions, which pg_dump too creates per partition and then attaches.
 */
final class ConstraintReader {
    private ConstraintReader() {}

    private static void validateInherited(Catalog catalog, Relation table, long oid, String name, long parent) {
        DumpItem item = DumpItem.ddl(new ObjectRef("validate", oid), ItemKind.VALIDATE_CONSTRAINT,
                "validation of constraint " + name + " on " + table.qualified(), table.sortName() + " " + name,
                "ALTER TABLE ONLY " + table.qualified() + " VALIDATE CONSTRAINT " + name + ";\n");
        catalog.add(item);
        item.dependOn(catalog.item(ObjectRef.relation(table.oid())));
        catalog.pendingEdge(item, ObjectRef.constraint(parent));
    }

    static void read(Catalog catalog) throws SQLException {
        String sql = "SELECT con.oid, con.conrelid, quote_ident(con.conname), con.contype,"
                + " pg_catalog.pg_get_constraintdef(con.oid), con.conindid, con.conislocal, con.conparentid,"
                + " con.convalidated,"
                // an inherited constraint that is valid here though the parent's is NOT VALID (the child
                // came later, empty): adding the parent's makes it NOT VALID here too, so it is validated
                + " p.oid IS NOT NULL, p.oid,"
                + " (SELECT quote_ident(ts.spcname) FROM pg_catalog.pg_class ic JOIN pg_catalog.pg_tablespace ts"
                + "   ON ts.oid = ic.reltablespace WHERE ic.oid = con.conindid AND con.contype IN ('p', 'u', 'x'))"
                + " FROM pg_catalog.pg_constraint con"
                + " LEFT JOIN LATERAL (SELECT pc.oid FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_constraint pc"
                + "   ON pc.conrelid = i.inhparent AND pc.conname = con.conname AND NOT pc.convalidated"
                + "   WHERE i.inhrelid = con.conrelid LIMIT 1) p ON con.contype IN ('c', 'n')"
                + " WHERE con.conrelid = ANY(?::pg_catalog.oid[])"
                + " AND con.contype IN ('c', 'p', 'u', 'f', 'x'" + (catalog.atLeast(180000) ? ", 'n'" : "") + ")"
                + " ORDER BY con.conrelid, con.conname";
        catalog.query(sql, rs -> {
            long oid = rs.getLong(1);
            Relation table = catalog.relations.get(rs.getLong(2));
            String name = rs.getString(3);
            char type = rs.getString(4).charAt(0);
            boolean local = rs.getBoolean(7);
            boolean partitionChild = rs.getLong(8) != 0;
            boolean validated = rs.getBoolean(9);
            DumpItem tableItem = catalog.item(ObjectRef.relation(table.oid()));
            String only;
            ItemKind kind = ItemKind.CONSTRAINT;
            switch (type) {
                case 'c', 'n' -> {
                    if (!local && validated && rs.getBoolean(10)) {
                        validateInherited(catalog, table, oid, name, rs.getLong(11));
                        return;
                    }
                    // Validated ones are in CREATE TABLE (TableReader); inherited ones come with the parent's.
                    if (validated || !local) {
                        return;
                    }
                    only = table.hasSubclass() ? "" : "ONLY ";
                }
                case 'f' -> {
                    if (partitionChild || !local) {
                        return; // a partition's copy, made when the parent's is added
                    }
                    only = table.isPartitioned() ? "" : "ONLY ";
                    kind = ItemKind.FOREIGN_KEY;
                }
                default -> {
                    if (!local && !partitionChild) {
                        return;
                    }
                    only = "ONLY ";
                }
            }
            DumpItem item = DumpItem.ddl(ObjectRef.constraint(oid), kind,
                    "constraint " + name + " on " + table.qualified(), table.sortName() + " " + name,
                    IndexReader.inTablespace(catalog, rs.getString(12), "ALTER TABLE " + only + table.qualified()
                            + "\n    ADD CONSTRAINT " + name + " " + rs.getString(5) + ";\n"));
            catalog.add(item);
            item.dependOn(tableItem);
            catalog.commentOn("pg_constraint", oid, 0, item, "CONSTRAINT " + name + " ON " + table.qualified());
            long index = rs.getLong(6);
            if (kind != ItemKind.FOREIGN_KEY && index != 0) {
                // The index that enforces it is created by the constraint.
                catalog.alias(ObjectRef.relation(index), item);
            }
        }, catalog.relationOids('r', 'p', 'f'));
    }
}
