package dev.pgvault.dump;

/** Quoting for the SQL the dump writes (with standard_conforming_strings on, as the dump sets). */
final class SqlText {
    private SqlText() {}

    /** A string literal: 'it''s'. Backslashes are literal under standard_conforming_strings. */
    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** An identifier, always quoted (as quote_all_identifiers would): "name". */
    static String ident(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    /** Keeps a name safe inside a "--" comment line. */
    static String commentSafe(String value) {
        return value.replace('\n', ' ').replace('\r', ' ');
    }
}
