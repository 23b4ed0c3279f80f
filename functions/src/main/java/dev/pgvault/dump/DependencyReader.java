package dev.pgvault.dump;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Adds pg_depend's edges between the objects we dump. Objects that are part of another (a
 * table's row type, an array type, a range's multirange and constructors, an extension's
 * members) stand for
 * the item that creates them. A sequence's ownership by a column is not an ordering edge:
 * the sequence must exist before the table whose default calls nextval() on it, and the
 * OWNED BY is its own item after both.
 */
final class DependencyReader {
    private DependencyReader() {}

    static void read(Catalog catalog) throws SQLException {
        Map<ObjectRef, ObjectRef> partOf = new HashMap<>();
        catalog.query("SELECT t.oid, t.typrelid FROM pg_catalog.pg_type t WHERE t.typrelid <> 0 AND t.oid >= 16384",
                rs -> partOf.put(ObjectRef.type(rs.getLong(1)), ObjectRef.relation(rs.getLong(2))));
        catalog.query("SELECT t.oid, t.typelem FROM pg_catalog.pg_type t WHERE t.typelem <> 0 AND t.oid >= 16384"
                + " AND EXISTS (SELECT 1 FROM pg_catalog.pg_type e WHERE e.oid = t.typelem AND e.typarray = t.oid)",
                rs -> partOf.put(ObjectRef.type(rs.getLong(1)), ObjectRef.type(rs.getLong(2))));
        if (catalog.atLeast(140000)) {
            catalog.query("SELECT r.rngmultitypid, r.rngtypid FROM pg_catalog.pg_range r WHERE r.rngtypid >= 16384",
                    rs -> partOf.put(ObjectRef.type(rs.getLong(1)), ObjectRef.type(rs.getLong(2))));
        }
        // An object made along with another (a range's constructor functions, an identity
        // column's sequence) stands for that other one.
        catalog.query("SELECT d.classid::regclass::text, d.objid, d.refclassid::regclass::text, d.refobjid"
                + " FROM pg_catalog.pg_depend d WHERE d.objid >= 16384 AND d.deptype = 'i'", rs -> partOf.putIfAbsent(
                        new ObjectRef(Catalog.className(rs.getString(1)), rs.getLong(2)),
                        new ObjectRef(Catalog.className(rs.getString(3)), rs.getLong(4))));
        String sql = "SELECT d.classid::regclass::text, d.objid, d.refclassid::regclass::text, d.refobjid, d.deptype"
                + " FROM pg_catalog.pg_depend d WHERE d.objid >= 16384 AND d.deptype IN ('n', 'a', 'i')";
        catalog.query(sql, rs -> {
            DumpItem from = resolve(catalog, partOf, new ObjectRef(Catalog.className(rs.getString(1)),
                    rs.getLong(2)));
            DumpItem to = resolve(catalog, partOf, new ObjectRef(Catalog.className(rs.getString(3)),
                    rs.getLong(4)));
            if (from == null || to == null || from == to) {
                return;
            }
            if (from.kind() == ItemKind.SEQUENCE && !rs.getString(5).equals("n")) {
                return;
            }
            DumpItem shell = from.ref().catalog().equals("pg_proc") ? catalog.supportFunctions.get(from.ref().oid()) : null;
            if (shell != null && to.ref().equals(ObjectRef.type(shell.ref().oid()))) {
                // A type's own support function needs only its shell; the full type needs the function.
                from.dependOn(shell);
                return;
            }
            from.dependOn(to);
        });
        catalog.resolvePendingEdges();
        orderRefreshes(catalog);
    }

    private static DumpItem resolve(Catalog catalog, Map<ObjectRef, ObjectRef> partOf, ObjectRef ref) {
        for (int depth = 0; ref != null && depth < 8; depth++) {
            DumpItem item = catalog.item(ref);
            if (item != null) {
                return item;
            }
            ref = partOf.get(ref);
        }
        return null;
    }

    /**
     * A materialized view over another is refreshed after it: the refresh items follow the
     * dependencies between the views (through plain views and functions in between).
     */
    private static void orderRefreshes(Catalog catalog) {
        for (DumpItem refresh : catalog.items()) {
            if (refresh.kind() != ItemKind.REFRESH_MATERIALIZED_VIEW) {
                continue;
            }
            DumpItem view = catalog.item(ObjectRef.relation(refresh.ref().oid()));
            Deque<DumpItem> work = new ArrayDeque<>(view.dependsOn());
            Set<DumpItem> seen = new HashSet<>();
            while (!work.isEmpty()) {
                DumpItem next = work.pop();
                if (!seen.add(next)) {
                    continue;
                }
                if (next.kind() == ItemKind.MATERIALIZED_VIEW) {
                    refresh.dependOn(catalog.item(new ObjectRef("refresh", next.ref().oid())));
                } else if (next.kind() == ItemKind.VIEW || next.kind() == ItemKind.FUNCTION) {
                    work.addAll(next.dependsOn());
                }
            }
        }
    }
}
