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
 * <p>Three shapes. A plain table or a partition is created with all its columns in its own
 * order (a partition is attached afterwards, as pg_dump does). An inheritance child whose
 * columns are in the order {@code INHERITS (...)} gives them is written with it, listing only
 * the columns and constraints it defines itself; a generation expression or default it only
 * inherits is left to the parent (PostgreSQL before 16 refuses a child's own generation
 * expression). Any other child (a column was added to a parent after the child existed) is
 * made through a stand-in parent holding all its columns in its order: the child inherits
 * them all from it, declaring only its local ones, takes on its real parents, then leaves the
 * stand-in, which is dropped. So its column order survives and every column and CHECK keeps
 * whether it is local or only inherited ({@code attislocal}, {@code attinhcount}), which
 * decides what a later {@code ALTER TABLE parent DROP COLUMN} does to it.
 */
final class TableDefinition {
    /** A PostgreSQL 18 NOT NULL constraint (before 18, NOT NULL is only attnotnull). */
    record NotNull(long oid, String quotedName, boolean local, boolean noInherit, boolean validated) {}

    /** A CHECK constraint written inside CREATE TABLE unless split off. */
    record Check(DumpItem part, String quotedName, String definition) {}

    private enum Shape { WHOLE, INHERITS, STAND_IN }

    private final Relation table;
    private final List<Column> columns;
    private final List<Relation> parents;
    private final Map<String, List<Column>> parentColumns;
    private final Shape shape;
    private final Map<Integer, DumpItem> defaults = new LinkedHashMap<>();
    private final List<Check> checks = new ArrayList<>();
    /** CHECK constraints the child only inherits, given to the stand-in parent. */
    private final List<Check> inheritedChecks = new ArrayList<>();
    private final Map<Integer, NotNull> notNulls;
    private final Map<String, String> identityOptions;
    /** A foreign table's "SERVER s OPTIONS (...)", else null. */
    private final String server;
    private final Map<String, String> columnOptions;

    TableDefinition(Relation table, List<Column> columns, List<Relation> parents,
                    Map<String, List<Column>> parentColumns, boolean inheritsClause,
                    Map<Integer, NotNull> notNulls, Map<String, String> identityOptions, String server,
                    Map<String, String> columnOptions) {
        this.server = server;
        this.columnOptions = columnOptions;
        this.table = table;
        this.columns = columns;
        this.parents = parents;
        this.parentColumns = parentColumns;
        this.shape = parents.isEmpty() || table.partition() ? Shape.WHOLE
                : inheritsClause ? Shape.INHERITS : Shape.STAND_IN;
        this.notNulls = notNulls;
        this.identityOptions = identityOptions;
    }

    void defaultPart(int column, DumpItem part) {
        defaults.put(column, part);
    }

    void check(Check check) {
        checks.add(check);
    }

    /** A validated CHECK the child only inherits: the parent brings it, or the stand-in does. */
    void inheritedCheck(Check check) {
        inheritedChecks.add(check);
    }

    /** Whether the table is written with INHERITS (...), leaving out what it inherits. */
    boolean inheritsClause() {
        return shape == Shape.INHERITS;
    }

    /** Whether inherited-only CHECK constraints are left to the parents (not written as the table's own). */
    boolean leavesInheritedChecks() {
        return shape != Shape.WHOLE;
    }

    /** Whether a column appears in CREATE TABLE: all do, except those only inherited. */
    boolean printed(Column column) {
        return shape == Shape.WHOLE || column.local();
    }

    String render() {
        StringBuilder ddl = new StringBuilder();
        String standIn = null;
        if (shape == Shape.STAND_IN) {
            standIn = SqlText.ident(table.schema()) + "." + SqlText.ident("pgvault_inherit_" + table.oid());
            ddl.append(standIn(standIn));
        }
        ddl.append("CREATE ").append(table.isForeign() ? "FOREIGN " : "")
                .append(table.persistence() == 'u' ? "UNLOGGED " : "")
                .append("TABLE ").append(table.qualified());
        if (table.ofType() != null) {
            ddl.append(" OF ").append(table.ofType());
        }
        ddl.append(" (");
        List<String> lines = new ArrayList<>();
        StringBuilder after = new StringBuilder();
        for (Column column : columns) {
            if (table.ofType() != null) {
                // A typed table's columns come from its type: only what the table adds is said.
                String options = typedColumnOptions(column);
                if (!options.isEmpty()) {
                    lines.add(column.quotedName() + " WITH OPTIONS" + options);
                }
            } else if (printed(column)) {
                lines.add(columnDefinition(column));
                if (shape == Shape.INHERITS && column.inherited()) {
                    dropInheritedDefault(column, after);
                }
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
        if (table.ofType() != null && lines.isEmpty()) {
            ddl.setLength(ddl.length() - 2); // no "()" after OF type
        } else {
            ddl.append(lines.isEmpty() ? "" : "\n    " + String.join(",\n    ", lines) + "\n").append(")");
        }
        if (shape == Shape.INHERITS) {
            ddl.append("\nINHERITS (")
                    .append(String.join(", ", parents.stream().map(Relation::qualified).toList())).append(")");
        } else if (shape == Shape.STAND_IN) {
            ddl.append("\nINHERITS (").append(standIn).append(")");
        }
        if (table.isPartitioned()) {
            ddl.append("\nPARTITION BY ").append(table.partitionKey());
        }
        if (server != null) {
            ddl.append("\n").append(server);
        }
        if (table.accessMethod() != null) {
            ddl.append("\nUSING ").append(table.accessMethod());
        }
        String options = String.join(", ", nonEmpty(table.options(), table.toastOptions()));
        if (!options.isEmpty()) {
            ddl.append("\nWITH (").append(options).append(")");
        }
        if (table.tablespace() != null) {
            ddl.append("\nTABLESPACE ").append(table.tablespace());
        }
        ddl.append(";\n");
        if (shape == Shape.STAND_IN) {
            ddl.append(localNotNullsOfInheritedColumns());
            for (Relation parent : parents) {
                ddl.append("ALTER TABLE ONLY ").append(table.qualified()).append(" INHERIT ")
                        .append(parent.qualified()).append(";\n");
            }
            ddl.append("ALTER TABLE ONLY ").append(table.qualified()).append(" NO INHERIT ").append(standIn)
                    .append(";\n").append("DROP TABLE ").append(standIn).append(";\n");
        }
        ddl.append(after);
        if (table.isForeign()) {
            return ddl.toString(); // no replica identity: foreign tables have none to change
        }
        if (table.replicaIdentity() == 'f') {
            ddl.append("ALTER TABLE ONLY ").append(table.qualified()).append(" REPLICA IDENTITY FULL;\n");
        } else if (table.replicaIdentity() == 'n') {
            ddl.append("ALTER TABLE ONLY ").append(table.qualified()).append(" REPLICA IDENTITY NOTHING;\n");
        }
        return ddl.toString();
    }

    /**
     * The stand-in parent: every column of the child in its order, with type, collation,
     * generation expression and NOT NULL, and the CHECK constraints the child only inherits.
     */
    private String standIn(String name) {
        List<String> lines = new ArrayList<>();
        for (Column column : columns) {
            StringBuilder line = new StringBuilder(column.quotedName()).append(' ').append(column.type());
            if (column.collation() != null) {
                line.append(" COLLATE ").append(column.collation());
            }
            if (column.generatedColumn()) {
                line.append(generation(column));
            }
            if (notNulls == null) {
                line.append(column.notNull() ? " NOT NULL" : "");
            } else {
                NotNull constraint = notNulls.get(column.number());
                if (constraint != null && constraint.validated() && !constraint.noInherit()
                        && (!constraint.local() || column.inherited())) {
                    line.append(" CONSTRAINT ").append(constraint.quotedName()).append(" NOT NULL");
                }
            }
            lines.add(line.toString());
        }
        for (Check check : inheritedChecks) {
            lines.add("CONSTRAINT " + check.quotedName() + " " + check.definition());
        }
        return "CREATE TABLE " + name + " (" + (lines.isEmpty() ? "" : "\n    " + String.join(",\n    ", lines) + "\n")
                + ");\n";
    }

    /** PostgreSQL 18: a child's own NOT NULL on a column it only inherits, made local before the real parents come. */
    private String localNotNullsOfInheritedColumns() {
        if (notNulls == null) {
            return "";
        }
        StringBuilder sql = new StringBuilder();
        for (Column column : columns) {
            NotNull constraint = notNulls.get(column.number());
            if (!column.local() && constraint != null && constraint.local() && constraint.validated()) {
                sql.append("ALTER TABLE ONLY ").append(table.qualified()).append(" ADD CONSTRAINT ")
                        .append(constraint.quotedName()).append(" NOT NULL ").append(column.quotedName())
                        .append(constraint.noInherit() ? " NO INHERIT" : "").append(";\n");
            }
        }
        return sql.toString();
    }

    /** " DEFAULT x NOT NULL" for a typed table's column, or "" when it adds nothing to its type's. */
    private String typedColumnOptions(Column column) {
        StringBuilder options = new StringBuilder();
        DumpItem part = defaults.get(column.number());
        if (part != null && part.isAbsorbed()) {
            options.append(" DEFAULT ").append(column.defaultExpr());
        }
        options.append(notNull(column));
        return options.toString();
    }

    private String columnDefinition(Column column) {
        StringBuilder definition = new StringBuilder(column.quotedName()).append(' ').append(column.type());
        String foreignOptions = columnOptions.get(table.oid() + ":" + column.number());
        if (foreignOptions != null) {
            definition.append(' ').append(foreignOptions);
        }
        if (column.collation() != null) {
            definition.append(" COLLATE ").append(column.collation());
        }
        if (column.generatedColumn()) {
            if (inheritsGeneration(column)) {
                // Left to the parent (or stand-in): a child may not restate it before PostgreSQL 16.
            } else {
                definition.append(generation(column));
            }
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

    private static String generation(Column column) {
        return " GENERATED ALWAYS AS (" + column.defaultExpr() + ")" + (column.generated() == 'v' ? " VIRTUAL" : " STORED");
    }

    /** A generated column whose expression comes from a parent: the stand-in's, or the same as a real parent's. */
    private boolean inheritsGeneration(Column column) {
        if (shape == Shape.STAND_IN) {
            return true;
        }
        return shape == Shape.INHERITS && inheritedFromParents(column).stream()
                .anyMatch(p -> p.generatedColumn() && java.util.Objects.equals(p.defaultExpr(), column.defaultExpr()));
    }

    /** INHERITS gives a child's column its parent's default when it states none: the child had none. */
    private void dropInheritedDefault(Column column, StringBuilder after) {
        if (!column.generatedColumn() && defaults.get(column.number()) == null
                && inheritedFromParents(column).stream().anyMatch(p -> p.defaultExpr() != null && !p.generatedColumn())) {
            after.append("ALTER TABLE ONLY ").append(table.qualified()).append(" ALTER COLUMN ")
                    .append(column.quotedName()).append(" DROP DEFAULT;\n");
        }
    }

    /** NOT NULL in a column definition: named and maybe NO INHERIT from 18; NOT VALID ones come later. */
    private String notNull(Column column) {
        if (notNulls == null) {
            return column.notNull() ? " NOT NULL" : "";
        }
        NotNull constraint = notNulls.get(column.number());
        if (constraint == null || !constraint.validated() || (shape != Shape.WHOLE && !constraint.local())) {
            return "";
        }
        return " CONSTRAINT " + constraint.quotedName() + " NOT NULL" + (constraint.noInherit() ? " NO INHERIT" : "");
    }

    /** A column only inherited (through INHERITS or the stand-in): what the child changed of it. */
    private void inheritedOnly(Column column, StringBuilder after) {
        String alter = "ALTER TABLE ONLY " + table.qualified() + " ALTER COLUMN " + column.quotedName();
        DumpItem part = defaults.get(column.number());
        if (part != null) {
            if (part.isAbsorbed()) {
                after.append(part.sqlBody());
            }
        } else if (shape == Shape.INHERITS && !column.generatedColumn()
                && inheritedFromParents(column).stream().anyMatch(p -> p.defaultExpr() != null)) {
            after.append(alter).append(" DROP DEFAULT;\n");
        }
        if (shape == Shape.STAND_IN) {
            return; // NOT NULL came with the stand-in's column
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
        List<Column> fromParents = shape == Shape.INHERITS && column.inherited() ? inheritedFromParents(column) : List.of();
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
