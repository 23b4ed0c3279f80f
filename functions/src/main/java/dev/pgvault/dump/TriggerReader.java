package dev.pgvault.dump;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Triggers (constraint triggers included) as pg_get_triggerdef writes them, with their
 * enabled state. A trigger on a partitioned table is created once, on the parent; the clones
 * PostgreSQL makes on each partition are not dumped, only their state when it was changed.
 */
final class TriggerReader {
    private TriggerReader() {}

    private record Trigger(long oid, Relation table, String name, String definition, char enabled, long parent,
                           char parentEnabled, long constraint) {}

    static void read(Catalog catalog) throws SQLException {
        List<Trigger> triggers = new ArrayList<>();
        catalog.query("SELECT t.oid, t.tgrelid, quote_ident(t.tgname), pg_catalog.pg_get_triggerdef(t.oid, false),"
                + " t.tgenabled, t.tgparentid, pt.tgenabled, t.tgconstraint"
                + " FROM pg_catalog.pg_trigger t LEFT JOIN pg_catalog.pg_trigger pt ON pt.oid = t.tgparentid"
                // before 15 a partition's copy of its parent's trigger is marked internal; its state counts too
                + " WHERE (NOT t.tgisinternal OR (t.tgparentid <> 0 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k"
                + "   WHERE k.oid = t.tgconstraint AND k.contype <> 't')))" // not a foreign key's own triggers
                + " AND t.tgrelid = ANY(?::pg_catalog.oid[])"
                + " ORDER BY t.tgrelid, t.tgname", rs -> triggers.add(new Trigger(rs.getLong(1),
                        catalog.relations.get(rs.getLong(2)), rs.getString(3), rs.getString(4),
                        rs.getString(5).charAt(0), rs.getLong(6), Catalog.firstChar(rs.getString(7)), rs.getLong(8))),
                catalog.relationOids('r', 'p', 'v', 'm', 'f'));
        for (Trigger trigger : triggers) {
            if (trigger.parent() != 0) {
                continue;
            }
            String sql = trigger.definition() + ";\n" + state(trigger.table(), "", trigger);
            DumpItem item = DumpItem.ddl(new ObjectRef("pg_trigger", trigger.oid()), ItemKind.TRIGGER,
                    "trigger " + trigger.name() + " on " + trigger.table().qualified(),
                    trigger.table().sortName() + " " + trigger.name(), sql);
            catalog.add(item);
            item.dependOn(catalog.item(ObjectRef.relation(trigger.table().oid())));
            catalog.commentOn("pg_trigger", trigger.oid(), 0, item,
                    "TRIGGER " + trigger.name() + " ON " + trigger.table().qualified());
            if (trigger.constraint() != 0) {
                catalog.alias(ObjectRef.constraint(trigger.constraint()), item);
            }
        }
        for (Trigger clone : triggers) {
            if (clone.parent() == 0) {
                continue;
            }
            // The clone exists once the parent's trigger does; only its state can differ.
            String state = clone.enabled() != 'O' || clone.parentEnabled() != 'O'
                    ? "ALTER TABLE ONLY " + clone.table().qualified() + " " + keyword(clone.enabled()) + " TRIGGER "
                    + clone.name() + ";\n" : "";
            DumpItem item = DumpItem.ddl(new ObjectRef("pg_trigger", clone.oid()), ItemKind.TRIGGER,
                    "trigger " + clone.name() + " on partition " + clone.table().qualified(),
                    clone.table().sortName() + " " + clone.name(), state);
            catalog.add(item);
            // after the parent's trigger (or, for a sub-partition, the partition's copy of it)
            catalog.pendingEdge(item, new ObjectRef("pg_trigger", clone.parent()));
            item.dependOn(catalog.item(ObjectRef.relation(clone.table().oid())));
            catalog.commentOn("pg_trigger", clone.oid(), 0, item,
                    "TRIGGER " + clone.name() + " ON " + clone.table().qualified());
        }
    }

    private static String state(Relation table, String only, Trigger trigger) {
        if (trigger.enabled() == 'O') {
            return "";
        }
        return "ALTER TABLE " + only + table.qualified() + " " + keyword(trigger.enabled()) + " TRIGGER "
                + trigger.name() + ";\n";
    }

    private static String keyword(char enabled) {
        return switch (enabled) {
            case 'D' -> "DISABLE";
            case 'R' -> "ENABLE REPLICA";
            case 'A' -> "ENABLE ALWAYS";
            default -> "ENABLE";
        };
    }
}
