package dev.pgvault.restore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Splits a plain SQL script, as psql reads it, into statements, psql meta-commands and COPY
 * data, streaming: only one statement is held in memory, and COPY rows are passed through.
 *
 * <p>Follows psql's lexical rules: a statement ends at a semicolon outside quotes, dollar
 * quotes, comments and parentheses, and outside a {@code BEGIN ATOMIC ... END} routine body;
 * single-quoted strings take backslash escapes only as E'' strings or when
 * {@code standard_conforming_strings} is off. Multi-byte characters never contain ASCII
 * bytes in the encodings PostgreSQL allows for a dump, so the scan works on bytes.
 */
public final class ScriptReader {
    private static final byte[] END_OF_COPY_LF = {'\\', '.', '\n'};
    private static final byte[] END_OF_COPY_CRLF = {'\\', '.', '\r', '\n'};
    private static final byte[] END_OF_COPY = {'\\', '.'};

    private final ScriptInput in;
    private boolean standardConformingStrings = true;
    private Charset charset = StandardCharsets.UTF_8;
    private String firstComment;
    private String lastComment;

    /** A statement to execute, or a psql meta-command (starting with a backslash). */
    public record Element(String text, int line, boolean metaCommand) {}

    public ScriptReader(InputStream script) {
        this.in = new ScriptInput(script);
    }

    public void standardConformingStrings(boolean on) {
        this.standardConformingStrings = on;
    }

    /** Whether backslashes in '...' strings are literal, as the script last set it (on by default). */
    public boolean standardConformingStrings() {
        return standardConformingStrings;
    }

    public void charset(Charset charset) {
        this.charset = charset;
    }

    public Charset charset() {
        return charset;
    }

    /** The first comment line of the script (tells a pgvault dump from a pg_dump one). */
    public String firstComment() {
        return firstComment;
    }

    /** The last comment line seen between statements (the completion marker at the end). */
    public String lastComment() {
        return lastComment;
    }

    public int line() {
        return in.line();
    }

    /** The next statement or meta-command, or null at the end of the script. */
    public Element next() throws IOException {
        ByteArrayOutputStream text = new ByteArrayOutputStream(256);
        Scan scan = new Scan();
        int startLine = in.line();
        while (true) {
            int c = in.read();
            if (c < 0) {
                return scan.content ? new Element(decode(text), startLine, false) : null;
            }
            if (!scan.content && isSpace(c)) {
                continue;
            }
            if (c == '-' && in.peek() == '-') {
                String comment = lineComment();
                if (scan.content) {
                    text.write(("-" + comment + "\n").getBytes(charset));
                } else {
                    rememberComment("-" + comment);
                }
                continue;
            }
            if (c == '/' && in.peek() == '*') {
                blockComment(scan.content ? text : OutputStream.nullOutputStream());
                continue;
            }
            if (c == '\\' && !scan.content) {
                int line = in.line();
                ByteArrayOutputStream command = new ByteArrayOutputStream();
                command.write(c);
                in.copyLine(command::write);
                return new Element(new String(command.toByteArray(), charset).strip(), line, true);
            }
            if (!scan.content) {
                scan.content = true;
                startLine = in.line();
            }
            int previous = scan.last;
            int beforePrevious = scan.beforeLast;
            text.write(c);
            scan.beforeLast = previous;
            scan.last = c;
            switch (c) {
                case '\'' -> quoted(text, escapesIn(previous, beforePrevious));
                case '"' -> identifier(text);
                case '$' -> {
                    if (!isIdentifierChar(previous)) {
                        dollar(text);
                    }
                }
                case '(' -> scan.parenDepth++;
                case ')' -> scan.parenDepth = Math.max(0, scan.parenDepth - 1);
                case ';' -> {
                    if (scan.parenDepth == 0 && scan.beginDepth == 0) {
                        return new Element(decode(text), startLine, false);
                    }
                }
                default -> {
                    if (isIdentifierStart(c) && !isIdentifierChar(previous)) {
                        String word = word(c, text);
                        scan.word(word);
                        scan.beforeLast = word.length() > 1 ? word.charAt(word.length() - 2) : previous;
                        scan.last = word.charAt(word.length() - 1);
                    }
                }
            }
        }
    }

    /**
     * After a {@code COPY ... FROM stdin} statement: passes its data lines to {@code sink}, up to
     * and not including the terminating {@code \.} line.
     */
    public void copyData(OutputStream sink) throws IOException {
        in.copyLine((b, off, len) -> { }); // the rest of the COPY command's line
        while (true) {
            if (in.startsWith(END_OF_COPY_LF)) {
                in.skip(END_OF_COPY_LF.length);
                return;
            }
            if (in.startsWith(END_OF_COPY_CRLF)) {
                in.skip(END_OF_COPY_CRLF.length);
                return;
            }
            if (in.startsWith(END_OF_COPY)) {
                in.skip(END_OF_COPY.length);
                if (in.peek() < 0) {
                    return;
                }
                throw new IOException("malformed end of COPY data at line " + in.line());
            }
            if (!in.copyLine(sink::write)) {
                throw new IOException("the script ends inside COPY data (no \\. line): it is truncated");
            }
        }
    }

    // ------------------------------------------------------------------ lexical pieces

    /**
     * Tracks SQL-standard routine bodies ({@code BEGIN ATOMIC ... END}), whose semicolons do not
     * end the statement. As psql (psqlscan.l), only in a statement that starts
     * {@code CREATE [OR REPLACE] FUNCTION} or {@code PROCEDURE}, and only outside parentheses (a
     * parameter named "begin" does not count); inside a body a CASE opens and an END closes a
     * block. Unlike psql, a BEGIN opens a body only when ATOMIC follows it, as in the grammar: psql
     * also counts a BEGIN that is a name ({@code SELECT 1 AS begin} in a body, a function named
     * begin) and then sends the statements that follow with it, which the server would run.
     */
    private static final class Scan {
        boolean content;
        int last = -1;
        int beforeLast = -1;
        int parenDepth;
        int beginDepth;
        int words;
        /** First letters of the leading words, for create/or/replace/function/procedure only. */
        final char[] leading = new char[4];
        boolean afterBegin;

        void word(String word) {
            String lower = word.toLowerCase(Locale.ROOT);
            if (words < leading.length && (lower.equals("create") || lower.equals("or") || lower.equals("replace")
                    || lower.equals("function") || lower.equals("procedure"))) {
                leading[words] = lower.charAt(0);
            }
            words++;
            boolean begin = afterBegin;
            afterBegin = false;
            if (!routine() || parenDepth != 0) {
                return;
            }
            if (begin && lower.equals("atomic")) {
                beginDepth++;
            } else if (lower.equals("begin")) {
                afterBegin = true;
            } else if (lower.equals("case")) {
                if (beginDepth >= 1) {
                    beginDepth++;
                }
            } else if (lower.equals("end") && beginDepth > 0) {
                beginDepth--;
            }
        }

        private boolean routine() {
            return leading[0] == 'c' && (leading[1] == 'f' || leading[1] == 'p'
                    || (leading[1] == 'o' && leading[2] == 'r' && (leading[3] == 'f' || leading[3] == 'p')));
        }
    }

    private String word(int first, ByteArrayOutputStream text) throws IOException {
        StringBuilder word = new StringBuilder().append((char) first);
        while (isIdentifierChar(in.peek())) {
            int c = in.read();
            text.write(c);
            word.append((char) c);
        }
        return word.toString();
    }

    private boolean escapesIn(int previous, int beforePrevious) {
        boolean eString = (previous == 'E' || previous == 'e') && !isIdentifierChar(beforePrevious);
        return eString || !standardConformingStrings;
    }

    private void quoted(ByteArrayOutputStream text, boolean backslashEscapes) throws IOException {
        while (true) {
            int c = in.read();
            if (c < 0) {
                return;
            }
            text.write(c);
            if (backslashEscapes && c == '\\') {
                int next = in.read();
                if (next >= 0) {
                    text.write(next);
                }
            } else if (c == '\'') {
                if (in.peek() == '\'') {
                    text.write(in.read());
                } else {
                    return;
                }
            }
        }
    }

    private void identifier(ByteArrayOutputStream text) throws IOException {
        while (true) {
            int c = in.read();
            if (c < 0) {
                return;
            }
            text.write(c);
            if (c == '"') {
                if (in.peek() == '"') {
                    text.write(in.read());
                } else {
                    return;
                }
            }
        }
    }

    /** After a '$': a dollar quote if a tag and a second '$' follow; otherwise ordinary text ($1, a$b). */
    private void dollar(ByteArrayOutputStream text) throws IOException {
        ByteArrayOutputStream tag = new ByteArrayOutputStream();
        tag.write('$');
        if (in.peek() >= 0 && isIdentifierStart(in.peek())) {
            while (isIdentifierChar(in.peek()) && in.peek() != '$') {
                int c = in.read();
                text.write(c);
                tag.write(c);
            }
        }
        if (in.peek() != '$') {
            return;
        }
        text.write(in.read());
        tag.write('$');
        byte[] closing = tag.toByteArray();
        int matched = 0;
        while (true) {
            int c = in.read();
            if (c < 0) {
                return;
            }
            text.write(c);
            if (c == closing[matched]) {
                matched++;
                if (matched == closing.length) {
                    return;
                }
            } else {
                matched = c == closing[0] ? 1 : 0;
            }
        }
    }

    private String lineComment() throws IOException {
        ByteArrayOutputStream comment = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            comment.write(c);
        }
        String text = new String(comment.toByteArray(), charset);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }

    private void rememberComment(String comment) {
        String text = comment.strip();
        if (text.equals("--")) {
            return; // pg_dump frames its comments with bare "--" lines
        }
        if (firstComment == null) {
            firstComment = text;
        }
        lastComment = text;
    }

    private void blockComment(OutputStream text) throws IOException {
        text.write('/');
        text.write(in.read()); // '*'
        int depth = 1;
        int previous = -1;
        while (depth > 0) {
            int c = in.read();
            if (c < 0) {
                return;
            }
            text.write(c);
            if (previous == '/' && c == '*') {
                depth++;
                c = -1;
            } else if (previous == '*' && c == '/') {
                depth--;
                c = -1;
            }
            previous = c;
        }
    }

    private String decode(ByteArrayOutputStream text) {
        return new String(text.toByteArray(), charset).strip();
    }

    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    private static boolean isIdentifierStart(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
    }

    private static boolean isIdentifierChar(int c) {
        return isIdentifierStart(c) || (c >= '0' && c <= '9') || c == '$';
    }
}
