package dev.pgvault.dump;

/**
 * A table, partitioned table, view, materialized view or sequence to dump, as read before
 * the locks are taken.
 *
 * @param qualified      schema-qualified and quoted, ready for SQL
 * @param options        reloptions as "a=1, b=2" (empty when none)
 * @param toastOptions   the TOAST table's reloptions, prefixed "toast." (empty when none)
 * @param partitionBound "FOR VALUES ..." or "DEFAULT" when this is a partition
 * @param partitionKey   "RANGE (a)" etc. when this is a partitioned table
 * @param ofType         the composite type of a typed table (CREATE TABLE ... OF type), else null
 * @param accessMethod   the table access method when not heap, else null
 * @param tablespace     the tablespace when not the database's default, else null
 */
record Relation(long oid, long namespace, String schema, String name, String qualified, char kind, char persistence,
                String options, String toastOptions, char replicaIdentity, boolean partition, String partitionBound,
                String partitionKey, boolean rowSecurity, boolean forceRowSecurity, boolean populated,
                boolean hasSubclass, String ofType, String accessMethod, String tablespace) {

    boolean isForeign() {
        return kind == 'f';
    }

    boolean isTable() {
        return kind == 'r' || kind == 'p';
    }

    boolean isPartitioned() {
        return kind == 'p';
    }

    /** The keyword COMMENT ON and ALTER ... OWNER TO take for this relation. */
    String keyword() {
        return switch (kind) {
            case 'v' -> "VIEW";
            case 'm' -> "MATERIALIZED VIEW";
            case 'S' -> "SEQUENCE";
            case 'f' -> "FOREIGN TABLE";
            default -> "TABLE";
        };
    }

    /** Sorts by schema, then name. */
    String sortName() {
        return schema + "\u0000" + name;
    }
}
