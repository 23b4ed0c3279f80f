package dev.pgvault.dump;

import java.util.List;

/**
 * A table whose rows go into the dump.
 *
 * @param qualifiedName schema-qualified and quoted, ready for SQL
 * @param columns       quoted names of the columns COPY carries (stored generated columns excluded), in order
 */
record TableData(long oid, String schema, String name, String qualifiedName, List<String> columns) {
    String copyOutSql() {
        return "COPY " + qualifiedName + columnList() + " TO STDOUT";
    }

    String copyInSql() {
        return "COPY " + qualifiedName + columnList() + " FROM stdin;";
    }

    private String columnList() {
        return columns.isEmpty() ? "" : " (" + String.join(", ", columns) + ")";
    }
}
