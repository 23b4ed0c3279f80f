package dev.pgvault.dump;

import java.sql.SQLException;

/**
 * User-defined collations: libc (lc_collate/lc_ctype), ICU (locale, rules, nondeterministic)
 * and, on PostgreSQL 17+, the builtin provider. Where the locale fields live changed in 15
 * (colliculocale) and 17 (colllocale).
 */
final class CollationReader {
    private CollationReader() {}

    static void read(Catalog catalog) throws SQLException {
        String locale = catalog.atLeast(170000) ? "c.colllocale"
                : catalog.atLeast(150000) ? "c.colliculocale" : "NULL::text";
        String rules = catalog.atLeast(160000) ? "c.collicurules" : "NULL::text";
        String sql = "SELECT c.oid, quote_ident(n.nspname) || '.' || quote_ident(c.collname), c.collnamespace,"
                + " c.collprovider, c.collisdeterministic, c.collcollate, c.collctype, " + locale + ", " + rules
                + " FROM pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace"
                + " WHERE " + Catalog.USER_SCHEMA + " AND " + UnsupportedObjects.notInExtension("pg_collation", "c.oid")
                + " ORDER BY 2";
        catalog.query(sql, rs -> {
            long oid = rs.getLong(1);
            String name = rs.getString(2);
            char provider = rs.getString(4).charAt(0);
            StringBuilder ddl = new StringBuilder("CREATE COLLATION ").append(name).append(" (provider = ")
                    .append(switch (provider) {
                        case 'i' -> "icu";
                        case 'b' -> "builtin";
                        default -> "libc";
                    });
            if (!rs.getBoolean(5)) {
                ddl.append(", deterministic = false");
            }
            String collate = rs.getString(6);
            String ctype = rs.getString(7);
            String providerLocale = rs.getString(8);
            if (provider == 'c') {
                if (collate != null && collate.equals(ctype)) {
                    ddl.append(", locale = ").append(SqlText.literal(collate));
                } else {
                    ddl.append(", lc_collate = ").append(SqlText.literal(String.valueOf(collate)))
                            .append(", lc_ctype = ").append(SqlText.literal(String.valueOf(ctype)));
                }
            } else {
                // Before 15 an ICU collation kept its locale in collcollate.
                ddl.append(", locale = ").append(SqlText.literal(providerLocale != null ? providerLocale : collate));
            }
            if (rs.getString(9) != null) {
                ddl.append(", rules = ").append(SqlText.literal(rs.getString(9)));
            }
            ddl.append(");\n");
            DumpItem item = DumpItem.ddl(new ObjectRef("pg_collation", oid), ItemKind.COLLATION, "collation " + name,
                    name, ddl.toString());
            catalog.add(item);
            catalog.inSchema(item, rs.getLong(3));
            catalog.commentOn("pg_collation", oid, 0, item, "COLLATION " + name);
            catalog.owned(new ObjectRef("pg_collation", oid), item, "COLLATION " + name, null);
        });
    }
}
