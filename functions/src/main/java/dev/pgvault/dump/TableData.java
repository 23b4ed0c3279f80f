package dev.pgvault.dump;

import java.util.List;

/**
 * A table whose rows go into the dump.
 *
 * @param qualifiedName schema-qualified and quoted, ready for SQL
 * @param columns       quoted names of the columns COPY carries (stored generated columns excluded), in order
 * @param filter        for an extension's configuration table, the extension's condition on the rows
 *                      that are the user's ("WHERE ..."; empty: all rows), else null
 */
record TableData(long oid, String schema, String name, String qualifiedName, List<String> columns, String filter) {
    TableData(long oid, String schema, String name, String qualifiedName, List<String> columns) {
        this(oid, schema, name, qualifiedName, columns, null);
    }

    String copyOutSql() {
        if (filter != null && !filter.isBlank()) {
            return "COPY (SELECT " + (columns.isEmpty() ? "*" : String.join(", ", columns)) + " FROM ONLY "
                    + qualifiedName + " " + filter + ") TO STDOUT";
        }
        return "COPY " + qualifiedName + columnList() + " TO STDOUT";
    }

    String copyInSql() {
        return "COPY " + qualifiedName + columnList() + " FROM stdin;";
    }

    /**
     * Whether the manifest can vouch for this table's content as a whole: not for a configuration
     * table whose extension adds rows of its own when created, of which only the user's are dumped.
     */
    boolean wholeTable() {
        return filter == null || filter.isBlank();
    }

    /** schema.name for people to read (progress): quoted only where a plain name would not read back. */
    String displayName() {
        return display(schema) + "." + display(name);
    }

    private static String display(String name) {
        return name.matches("[a-z_][a-z0-9_$]*") ? name : SqlText.ident(name);
    }

    private String columnList() {
        return columns.isEmpty() ? "" : " (" + String.join(", ", columns) + ")";
    }
}
