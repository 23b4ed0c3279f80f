package dev.pgvault.restore;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * A statement of a script's post-data section that a parallel restore may run beside others: an
 * index build or a single {@code ADD CONSTRAINT}, with the tables it locks. Everything else in a
 * script runs alone, in order, once all work handed out before it has finished.
 *
 * <p>Two pieces of work may run at once unless they share a table, with three exceptions: index
 * builds on one table (each takes a SHARE lock, which does not conflict with itself), chunks of
 * one table's data (ROW EXCLUSIVE), and reads of a loaded table (ACCESS SHARE: its comparison
 * with the manifest) beside each other and beside index builds. A constraint locks its table strongly (ACCESS EXCLUSIVE for a
 * primary key, SHARE ROW EXCLUSIVE for a foreign key, which also locks the table it references),
 * so it waits for everything else on those tables, as pg_restore's scheduler does. Handing work out
 * in script order and never past a conflicting piece keeps the script's dependency order: a
 * foreign key starts only after the unique index it references and after the data of both tables.
 * A name that is not schema-qualified is not classified (its table would depend on search_path).
 */
record ParallelStatement(Kind kind, Set<String> tables) {
    enum Kind {
        /** Rows of one table, COPYed in chunks. */
        DATA,
        /** CREATE [UNIQUE] INDEX. */
        INDEX,
        /** ALTER TABLE ... ADD CONSTRAINT, a foreign key included. */
        CONSTRAINT,
        /** Reading a loaded table (ACCESS SHARE): beside index builds and other reads, not beside a constraint. */
        READ
    }

    /** The rows of {@code table} (as {@link #copyTarget} names it): chunks of one table load side by side. */
    static ParallelStatement data(String table) {
        return new ParallelStatement(Kind.DATA, Set.of(table));
    }

    /**
     * The table a {@code COPY schema.table [(columns)] FROM stdin} loads, named as the other
     * statements' tables are; null if it is not schema-qualified.
     */
    static String copyTarget(String sql, boolean standardConformingStrings) {
        SqlTokens tokens = new SqlTokens(sql, standardConformingStrings);
        return tokens.isWord(0, "COPY") ? qualifiedName(tokens, 1) : null;
    }

    /** True if the two may not run at the same time. */
    boolean conflictsWith(ParallelStatement other) {
        if (kind == other.kind && kind != Kind.CONSTRAINT) {
            return false;
        }
        if (kind == Kind.READ && other.kind == Kind.INDEX || kind == Kind.INDEX && other.kind == Kind.READ) {
            return false;
        }
        for (String table : tables) {
            if (other.tables.contains(table)) {
                return true;
            }
        }
        return false;
    }

    /** The statement as parallel work, or null if it must run alone. */
    static ParallelStatement classify(String sql, boolean standardConformingStrings) {
        SqlTokens tokens = new SqlTokens(sql, standardConformingStrings);
        if (tokens.isWord(0, "CREATE")) {
            return index(tokens);
        }
        if (tokens.isWord(0, "ALTER") && tokens.isWord(1, "TABLE")) {
            return constraint(tokens);
        }
        return null;
    }

    /** {@code CREATE [UNIQUE] INDEX [IF NOT EXISTS] name ON [ONLY] schema.table ...}. */
    private static ParallelStatement index(SqlTokens tokens) {
        int i = 1;
        if (tokens.isWord(i, "UNIQUE")) {
            i++;
        }
        if (!tokens.isWord(i++, "INDEX") || tokens.isWord(i, "CONCURRENTLY")) {
            return null;
        }
        if (tokens.isWord(i, "IF") && tokens.isWord(i + 1, "NOT") && tokens.isWord(i + 2, "EXISTS")) {
            i += 3;
        }
        if (!tokens.isWord(i, "ON")) {
            i++; // the index's name
        }
        if (!tokens.isWord(i++, "ON")) {
            return null;
        }
        if (tokens.isWord(i, "ONLY")) {
            i++;
        }
        String table = qualifiedName(tokens, i);
        return table == null ? null : new ParallelStatement(Kind.INDEX, Set.of(table));
    }

    /**
     * {@code ALTER TABLE [ONLY] schema.table ADD CONSTRAINT name ...}, one action only; a foreign
     * key also names the table its {@code REFERENCES} points at.
     */
    private static ParallelStatement constraint(SqlTokens tokens) {
        int i = 2;
        if (tokens.isWord(i, "ONLY")) {
            i++;
        }
        String table = qualifiedName(tokens, i);
        if (table == null) {
            return null;
        }
        i += 3;
        if (!tokens.isWord(i, "ADD") || !tokens.isWord(i + 1, "CONSTRAINT")) {
            return null;
        }
        Set<String> tables = new LinkedHashSet<>();
        tables.add(table);
        int depth = 0;
        for (int t = i + 3; tokens.get(t) != null; t++) {
            if (tokens.isSymbol(t, '(')) {
                depth++;
            } else if (tokens.isSymbol(t, ')')) {
                depth--;
            } else if (depth == 0 && tokens.isSymbol(t, ',')) {
                return null; // a second action: not what a dump writes
            } else if (depth == 0 && tokens.isWord(t, "REFERENCES")) {
                String referenced = qualifiedName(tokens, t + 1);
                if (referenced == null) {
                    return null;
                }
                tables.add(referenced);
            }
        }
        return new ParallelStatement(Kind.CONSTRAINT, Set.copyOf(tables));
    }

    /** {@code schema.name} at token i, each part as PostgreSQL resolves it; null if not qualified. */
    private static String qualifiedName(SqlTokens tokens, int i) {
        String schema = identifier(tokens, i);
        if (schema == null || !tokens.isSymbol(i + 1, '.')) {
            return null;
        }
        String name = identifier(tokens, i + 2);
        return name == null ? null : quote(schema) + "." + quote(name);
    }

    /** An identifier's name: a quoted one as written (doubled quotes undone), an unquoted one folded to lower case. */
    private static String identifier(SqlTokens tokens, int i) {
        if (tokens.is(i, SqlTokens.Type.QUOTED_IDENTIFIER)) {
            String text = tokens.text(i);
            return text.substring(1, text.length() - 1).replace("\"\"", "\"");
        }
        if (tokens.is(i, SqlTokens.Type.WORD)) {
            return tokens.text(i).toLowerCase(java.util.Locale.ROOT);
        }
        return null;
    }

    /** A table as the statements' tables are named: {@code "schema"."name"}. */
    static String tableKey(String schema, String name) {
        return quote(schema) + "." + quote(name);
    }

    private static String quote(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
