package dev.pgvault.restore;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tokens of one SQL statement, as PostgreSQL's lexer sees them: comments (nested block
 * comments included) are skipped; quoted identifiers, string constants (E'', dollar-quoted,
 * and with backslash escapes when {@code standard_conforming_strings} is off) are single tokens
 * whose content is never read as keywords. Lazy: classifying a statement usually needs only
 * its first words, so a function body or a large object's chunk is only skipped over.
 */
final class SqlTokens {
    enum Type { WORD, QUOTED_IDENTIFIER, STRING, NUMBER, PARAMETER, SYMBOL }

    /** A token: its type and where it lies in the statement. */
    record Token(Type type, int start, int end) {}

    private final String sql;
    private final boolean standardConformingStrings;
    private final List<Token> read = new ArrayList<>();
    /** Upper-cased text of each word read so far (null for other tokens), computed once. */
    private final List<String> words = new ArrayList<>();
    private int position;
    private boolean done;

    SqlTokens(String sql, boolean standardConformingStrings) {
        this.sql = sql;
        this.standardConformingStrings = standardConformingStrings;
    }

    /** The i-th token (0-based), or null past the end. */
    Token get(int i) {
        while (read.size() <= i && !done) {
            Token next = scan();
            if (next == null) {
                done = true;
            } else {
                read.add(next);
                words.add(next.type() == Type.WORD ? text(next).toUpperCase(Locale.ROOT) : null);
            }
        }
        return i < read.size() ? read.get(i) : null;
    }

    /** The i-th token if it is an unquoted word, upper-cased (keywords compare so); else null. */
    String word(int i) {
        return get(i) == null ? null : words.get(i);
    }

    boolean isWord(int i, String upper) {
        return upper.equals(word(i));
    }

    boolean isSymbol(int i, char symbol) {
        Token token = get(i);
        return token != null && token.type() == Type.SYMBOL && sql.charAt(token.start()) == symbol;
    }

    boolean is(int i, Type type) {
        Token token = get(i);
        return token != null && token.type() == type;
    }

    /** The number of tokens (reads the whole statement). */
    int size() {
        get(Integer.MAX_VALUE - 1);
        return read.size();
    }

    String text(Token token) {
        return sql.substring(token.start(), token.end());
    }

    String text(int i) {
        Token token = get(i);
        return token == null ? null : text(token);
    }

    /** Whether the i-th token is a plain '...' string (not E'', not dollar-quoted). */
    boolean isPlainString(int i) {
        Token token = get(i);
        return token != null && token.type() == Type.STRING && sql.charAt(token.start()) == '\'';
    }

    /** The content of a plain '...' string token (quotes removed, doubled quotes undone); null if not one. */
    String plainString(int i) {
        Token token = get(i);
        if (token == null || token.type() != Type.STRING || sql.charAt(token.start()) != '\'') {
            return null;
        }
        return sql.substring(token.start() + 1, token.end() - 1).replace("''", "'");
    }

    // ------------------------------------------------------------------ the lexer

    private Token scan() {
        int length = sql.length();
        while (position < length) {
            char c = sql.charAt(position);
            if (isSpace(c)) {
                position++;
            } else if (c == '-' && position + 1 < length && sql.charAt(position + 1) == '-') {
                int newline = sql.indexOf('\n', position);
                position = newline < 0 ? length : newline + 1;
            } else if (c == '/' && position + 1 < length && sql.charAt(position + 1) == '*') {
                skipBlockComment();
            } else {
                break;
            }
        }
        if (position >= length) {
            return null;
        }
        int start = position;
        char c = sql.charAt(position);
        if (c == '\'') {
            position = endOfString(position + 1, !standardConformingStrings);
            return new Token(Type.STRING, start, position);
        }
        if (c == '"') {
            position = endOfQuotedIdentifier(position + 1);
            return new Token(Type.QUOTED_IDENTIFIER, start, position);
        }
        if (c == '$') {
            return dollar(start);
        }
        if (isIdentifierStart(c)) {
            position++;
            while (position < length && isIdentifierChar(sql.charAt(position))) {
                position++;
            }
            if (position < length && sql.charAt(position) == '\'' && position - start == 1
                    && (c == 'E' || c == 'e')) {
                position = endOfString(position + 1, true); // E'...' takes backslash escapes
                return new Token(Type.STRING, start, position);
            }
            return new Token(Type.WORD, start, position);
        }
        if (isDigit(c) || (c == '.' && position + 1 < length && isDigit(sql.charAt(position + 1)))) {
            position++;
            while (position < length) {
                char d = sql.charAt(position);
                boolean exponentSign = (d == '+' || d == '-')
                        && (sql.charAt(position - 1) == 'e' || sql.charAt(position - 1) == 'E');
                if (isDigit(d) || isLetter(d) || d == '_' || exponentSign
                        || (d == '.' && !(position + 1 < length && sql.charAt(position + 1) == '.'))) {
                    position++;
                } else {
                    break;
                }
            }
            return new Token(Type.NUMBER, start, position);
        }
        position++;
        return new Token(Type.SYMBOL, start, position);
    }

    private Token dollar(int start) {
        int length = sql.length();
        int i = start + 1;
        if (i < length && isDigit(sql.charAt(i))) {
            while (i < length && isDigit(sql.charAt(i))) {
                i++;
            }
            position = i;
            return new Token(Type.PARAMETER, start, position);
        }
        if (i < length && isIdentifierStart(sql.charAt(i))) {
            while (i < length && isIdentifierChar(sql.charAt(i)) && sql.charAt(i) != '$') {
                i++;
            }
        }
        if (i < length && sql.charAt(i) == '$') {
            String tag = sql.substring(start, i + 1);
            int close = sql.indexOf(tag, i + 1);
            position = close < 0 ? length : close + tag.length();
            return new Token(Type.STRING, start, position);
        }
        position = start + 1;
        return new Token(Type.SYMBOL, start, position);
    }

    private int endOfString(int i, boolean backslashEscapes) {
        int length = sql.length();
        if (!backslashEscapes) {
            while (true) { // a large object's chunk is one long string: jump from quote to quote
                int quote = sql.indexOf('\'', i);
                if (quote < 0) {
                    return length;
                }
                if (quote + 1 < length && sql.charAt(quote + 1) == '\'') {
                    i = quote + 2;
                } else {
                    return quote + 1;
                }
            }
        }
        while (i < length) {
            char c = sql.charAt(i);
            if (c == '\\') {
                i += 2;
            } else if (c == '\'') {
                if (i + 1 < length && sql.charAt(i + 1) == '\'') {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return length;
    }

    private int endOfQuotedIdentifier(int i) {
        int length = sql.length();
        while (i < length) {
            if (sql.charAt(i) == '"') {
                if (i + 1 < length && sql.charAt(i + 1) == '"') {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return length;
    }

    private void skipBlockComment() {
        int length = sql.length();
        int depth = 0;
        while (position < length) {
            if (sql.startsWith("/*", position)) {
                depth++;
                position += 2;
            } else if (sql.startsWith("*/", position)) {
                depth--;
                position += 2;
                if (depth == 0) {
                    return;
                }
            } else {
                position++;
            }
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000b';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isIdentifierStart(char c) {
        return isLetter(c) || c == '_' || c >= 0x80;
    }

    private static boolean isIdentifierChar(char c) {
        return isIdentifierStart(c) || isDigit(c) || c == '$';
    }
}
