package dev.pgvault.dump;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders one table's CREATE TABLE and the ALTER TABLE statements that complete it, when the
 * dump is written: column defaults and CHECK constraints are parts that may have been split
 * off meanwhile to break a dependency loop, and are then left out here.
 *
 * <p>Three shapes, as pg_dump writes them: a plain table; an inheritance child with
 * {@code INHERITS (...)}, listing only the columns and constraints it defines itself; and a
 * partition (or an inheritance child whose columns are not in the order INHERITS would give
 * them), created with all its columns in its own order and attached afterwards, so its
 * column order survives.
 */
final class TableDefinition {
    /** A PostgreSQL 18 NOT NULL constraint (before 18, NOT NULL is only attnotnull). */
    record NotNull(long oid, String quotedName, boolean local, boolean noInherit, boolean validated) {}

    /** A CHECK constraint written inside CREATE TABLE unless split off. */
    record Check(DumpItem part, String quotedName, String definition) {}

    private final Relation table;
    private final List<Column> columns;
    private final List<Relation> parents;
    private final Map<String, List<Column>> parentColumns;
    private final boolean inheritsClause;
    private final Map<Integer, DumpItem> defaults = new LinkedHashMap<>();
    private final List<Check> checks = new ArrayList<>();
    private final Map<Integer, NotNull> notNulls;
    private final Map<String, String> identityOptions;

    TableDefinition(Relation table, List<Column> columns, List<Relation> parents,
                    Map<String, List<Column>> parentColumns, boolean inheritsClause,
                    Map<Integer, NotNull> notNulls, Map<String, String> identityOptions) {
        this.table = table;
        this.columns = columns;
        this.parents = parents;
        this.parentColumns = parentColumns;
        this.inheritsClause = inheritsClause;
        this.notNulls = notNulls;
        this.identityOptions = identityOptions;
    }

    void defaultPart(int column, DumpItem part) {
        defaults.put(column, part);
    }

    void check(Check check) {
        checks.add(check);
    }

    /** Whether the table is written with INHERITS (...), leaving out what it inherits. */
    boolean inheritsClause() {
        return inheritsClause;
    }

    /** Whether a column appears in CREATE TABLE: all do, except those only inherited through INHERITS. */
    boolean printed(Column column) {
        return !inheritsClause || column.local();
    }

    String render() {
        StringBuilder ddl = new StringBuilder("CREATE ")
                .append(table.persistence() == 'u' ? "UNLOGGED " : "")
                .append("TABLE ").append(table.qualified()).append(" (");
        List<String> lines = new ArrayList<>();
        StringBuilder after = new StringBuilder();
        for (Column column : columns) {
            if (printed(column)) {
                lines.add(columnDefinition(column));
            } else {
                inheritedOnly(column, after);
            }
            perColumn(column, after);
        }
        for (Check check : checks) {
            if (check.part().isAbsorbed()) {
                lines.add("CONSTRAINT " + check.quotedName() + " " + check.definition());
            }
        }
        ddl.append(lines.isEmpty() ? "" : "\n    " + String.join(",\n    ", lines) + "\n").append(")");
        if (inheritsClause && !parents.isEmpty()) {
            ddl.append("\nINHERITS (")
                    .append(String.join(", ", parents.stream().map(Relation::qualified).toList())).append(")");
        }
        if (table.isPartitioned()) {
            ddl.append("\nPARTITION BY ").append(table.partitionKey());
        }
        String options = String.join(", ", nonEmpty(table.options(), table.toastOptions()));
        if (!options.isEmpty()) {
            ddl.append("\nWITH (").append(options).append(")");
        }
        ddl.append(";\n").append(after);
        if (!inheritsClause && !table.partition()) {
            for (Relation parent : parents) {
                ddl.append("ALTER TABLE ONLY ").append(table.qualified()).append(" INHERIT ")
                        .append(parent.qualified()).append(";\n");
            }
        }
        if (table.replicaIdentity() == 'f') {
            ddl.append("ALTER TABLE ONLY ").append(table.qualified()).append(" REPLICA IDENTITY FULL;\n");
        } else if (table.replicaIdentity() == 'n') {
            ddl.append("ALTER TABLE ONLY ").append(table.qualified()).append(" REPLICA IDENTITY NOTHING;\n");
        }
        return ddl.toString();
    }

    private String columnDefinition(Column column) {
        StringBuilder definition = new StringBuilder(column.quotedName()).append(' ').append(column.type());
        if (column.collation() != null) {
            definition.append(" COLLATE ").append(column.collation());
        }
        if (column.generatedColumn()) {
            definition.append(" GENERATED ALWAYS AS (").append(column.defaultExpr()).append(")")
                    .append(column.generated() == 'v' ? " VIRTUAL" : " STORED");
        } else {
            DumpItem part = defaults.get(column.number());
            if (part != null && part.isAbsorbed()) {
                definition.append(" DEFAULT ").append(column.defaultExpr());
            }
        }
        definition.append(notNull(column));
        String identity = identityOptions.get(table.oid() + ":" + column.number());
        // A partition's identity comes from its parent's column when attached.
        if (column.identity() != 0 && identity != null) {
            definition.append(column.identity() == 'a' ? " GENERATED ALWAYS" : " GENERATED BY DEFAULT")
                    .append(" AS IDENTITY ").append(identity);
        }
        return definition.toString();
    }

    /** NOT NULL in a column definition: named and maybe NO INHERIT from 18; NOT VALID ones come later. */
    private String notNull(Column column) {
        if (notNulls == null) {
            return column.notNull() ? " NOT NULL" : "";
        }
        NotNull constraint = notNulls.get(column.number());
        if (constraint == null || !constraint.validated() || (inheritsClause && !constraint.local())) {
            return "";
        }
        return " CONSTRAINT " + constraint.quotedName() + " NOT NULL" + (constraint.noInherit() ? " NO INHERIT" : "");
    }

    /** A column that comes from INHERITS: what the child changed of it. */
    private void inheritedOnly(Column column, StringBuilder after) {
        String alter = "ALTER TABLE ONLY " + table.qualified() + " ALTER COLUMN " + column.quotedName();
        DumpItem part = defaults.get(column.number());
        if (part != null) {
            if (part.isAbsorbed()) {
                after.append(part.sqlBody());
            }
        } else if (!column.generatedColumn()
                && inheritedFromParents(column).stream().anyMatch(p -> p.defaultExpr() != null)) {
            after.append(alter).append(" DROP DEFAULT;\n");
        }
        if (notNulls == null) {
            if (column.notNull() && inheritedFromParents(column).stream().noneMatch(Column::notNull)) {
                after.append(alter).append(" SET NOT NULL;\n");
            }
            return;
        }
        NotNull constraint = notNulls.get(column.number());
        if (constraint != null && constraint.local() && constraint.validated()) {
            after.append("ALTER TABLE ONLY ").append(table.qualified()).append(" ADD CONSTRAINT ")
                    .append(constraint.quotedName()).append(" NOT NULL ").append(column.quotedName())
                    .append(constraint.noInherit() ? " NO INHERIT" : "").append(";\n");
        }
    }

    private void perColumn(Column column, StringBuilder after) {
        String alter = "ALTER TABLE ONLY " + table.qualified() + " ALTER COLUMN " + column.quotedName();
        List<Column> fromParents = inheritsClause && column.inherited() ? inheritedFromParents(column) : List.of();
        if (column.statistics() != null) {
            after.append(alter).append(" SET STATISTICS ").append(column.statistics()).append(";\n");
        }
        // INHERITS copies the parent's storage and compression; anything else is stated.
        if (column.storage() != column.typeStorage()
                || fromParents.stream().anyMatch(p -> p.storage() != column.storage())) {
            after.append(alter).append(" SET STORAGE ").append(storageName(column.storage())).append(";\n");
        }
        if (column.compression() != 0) {
            after.append(alter).append(" SET COMPRESSION ").append(column.compression() == 'l' ? "lz4" : "pglz")
                    .append(";\n");
        } else if (fromParents.stream().anyMatch(p -> p.compression() != 0)) {
            after.append(alter).append(" SET COMPRESSION default;\n");
        }
        if (!column.options().isEmpty()) {
            after.append(alter).append(" SET (").append(column.options()).append(");\n");
        }
    }

    private List<Column> inheritedFromParents(Column column) {
        return parentColumns.getOrDefault(column.name(), List.of());
    }

    private static List<String> nonEmpty(String... values) {
        List<String> found = new ArrayList<>();
        for (String value : values) {
            if (value != null && !value.isEmpty()) {
                found.add(value);
            }
        }
        return found;
    }

    static String storageName(char code) {
        return switch (code) {
            case 'p' -> "PLAIN";
            case 'e' -> "EXTERNAL";
            case 'm' -> "MAIN";
            default -> "EXTENDED";
        };
    }
}
