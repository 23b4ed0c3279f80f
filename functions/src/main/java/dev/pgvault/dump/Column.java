package dev.pgvault.dump;

/**
 * A column of a table, view or composite type.
 *
 * @param type          format_type() of the column
 * @param defaultExpr   the default (or generation) expression, or null
 * @param defaultOid    its pg_attrdef oid (0 when none)
 * @param collation     quoted collation name when it differs from the type's, else null
 * @param statistics    the statistics target when set, else null
 * @param storage       attstorage; {@code typeStorage} the type's default
 * @param compression   attcompression (PostgreSQL 14+), 0 when default
 * @param local         attislocal: defined by the table itself, not (only) inherited
 * @param options       attoptions as "n_distinct=5" (empty when none)
 */
record Column(long relation, int number, String name, String quotedName, String type, boolean notNull,
              String defaultExpr, long defaultOid, char identity, char generated, String collation,
              Integer statistics, char storage, char typeStorage, char compression, boolean local,
              int inheritCount, String options) {

    boolean inherited() {
        return inheritCount > 0;
    }

    boolean generatedColumn() {
        return generated != 0;
    }
}
