package dev.pgvault.dump;

import java.sql.SQLException;

/**
 * Comments on every dumped object, each appended to the item that creates its object (a
 * column's to its table's, a constraint's to the constraint's), where the reader of that
 * kind said it goes. Large objects' comments are written with them ({@link LargeObjects}).
 */
final class CommentReader {
    private static final String DEFAULT_PUBLIC_COMMENT = "standard public schema";

    private CommentReader() {}

    static void read(Catalog catalog) throws SQLException {
        catalog.query("SELECT d.classoid::regclass::text, d.objoid, d.objsubid, d.description,"
                + " d.classoid = 'pg_catalog.pg_namespace'::regclass AND d.objoid = (SELECT p.oid FROM pg_catalog.pg_namespace p WHERE p.nspname = 'public')"
                + " FROM pg_catalog.pg_description d"
                + " WHERE d.classoid <> 'pg_catalog.pg_largeobject'::regclass ORDER BY 1, 2, 3", rs -> {
                    Catalog.Target target = catalog.commentTarget(Catalog.className(rs.getString(1)),
                            rs.getLong(2), rs.getInt(3));
                    if (target == null) {
                        return; // not something we dump: a system or extension object
                    }
                    if (rs.getBoolean(5) && rs.getString(4).equals(DEFAULT_PUBLIC_COMMENT)) {
                        return; // what every new database has; restating it needs public's owner
                    }
                    target.item().appendSql("COMMENT ON " + target.sql() + " IS "
                            + SqlText.literal(rs.getString(4)) + ";\n");
                });
        // Subscriptions live in a shared catalog: their comments too.
        catalog.query("SELECT d.objoid, d.description FROM pg_catalog.pg_shdescription d"
                + " WHERE d.classoid = 'pg_catalog.pg_subscription'::regclass", rs -> {
                    Catalog.Target target = catalog.commentTarget("pg_subscription", rs.getLong(1), 0);
                    if (target != null) {
                        target.item().appendSql("COMMENT ON " + target.sql() + " IS "
                                + SqlText.literal(rs.getString(2)) + ";\n");
                    }
                });
    }
}
