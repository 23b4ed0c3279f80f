package dev.pgvault.dump;

import java.sql.SQLException;

/**
 * Event triggers (only a superuser makes them), written last of all as pg_dump does, so that
 * nothing the restore does fires them; with their enabled state.
 */
final class EventTriggerReader {
    private EventTriggerReader() {}

    static void read(Catalog catalog) throws SQLException {
        catalog.query("SELECT t.oid, quote_ident(t.evtname), t.evtevent, t.evtfoid::pg_catalog.regproc::text, t.evtenabled,"
                + " (SELECT string_agg(quote_literal(g), ', ') FROM unnest(t.evttags) g)"
                + " FROM pg_catalog.pg_event_trigger t WHERE " + UnsupportedObjects.notInExtension("pg_event_trigger", "t.oid")
                + " ORDER BY 2", rs -> {
                    String name = rs.getString(2);
                    StringBuilder sql = new StringBuilder("CREATE EVENT TRIGGER ").append(name).append(" ON ")
                            .append(rs.getString(3));
                    if (rs.getString(6) != null) {
                        sql.append("\n    WHEN TAG IN (").append(rs.getString(6)).append(")");
                    }
                    sql.append("\n    EXECUTE FUNCTION ").append(rs.getString(4)).append("();\n");
                    String state = switch (rs.getString(5)) {
                        case "D" -> "DISABLE";
                        case "R" -> "ENABLE REPLICA";
                        case "A" -> "ENABLE ALWAYS";
                        default -> null;
                    };
                    if (state != null) {
                        sql.append("ALTER EVENT TRIGGER ").append(name).append(' ').append(state).append(";\n");
                    }
                    catalog.addObject(new ObjectRef("pg_event_trigger", rs.getLong(1)), ItemKind.EVENT_TRIGGER,
                            "event trigger " + name, name, sql.toString(), 0, "EVENT TRIGGER " + name,
                            "EVENT TRIGGER " + name, null);
                });
    }
}
