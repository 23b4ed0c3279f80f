package dev.pgvault.restore;

import dev.pgvault.errors.InvalidRequestException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The statements that erase one data subject from a restored database, as the operator wrote them
 * ({@code DELETE FROM users WHERE email = :subject;}), checked and turned into JDBC statements whose
 * every {@code :subject} is a bound parameter. The subject is never put into SQL text: a subject
 * like {@code x' OR true --} is a value, not SQL.
 *
 * <p>Only {@code DELETE} and {@code UPDATE} are accepted, each naming {@code :subject} at least once
 * and no other {@code :name}: they run inside every restore, with the restore's privileges, so they
 * may change rows and nothing else (no DDL, no transaction control, no function calls of their own).
 */
public final class ErasureStatements {
    /** One statement: the operator's text (for messages) and the JDBC text with {@code ?} for each {@code :subject}. */
    public record Statement(int number, int line, String text, String jdbc, int parameters) {
        /** The statement's first line, for messages; never holds a subject (the text is the operator's, with the placeholder). */
        public String label() {
            String first = text.lines().findFirst().orElse("").strip();
            return "statement " + number + " (line " + line + ": " + (first.length() > 80 ? first.substring(0, 80)
                    + "..." : first) + ")";
        }
    }

    private final List<Statement> statements;

    private ErasureStatements(List<Statement> statements) {
        this.statements = List.copyOf(statements);
    }

    public List<Statement> statements() {
        return statements;
    }

    /**
     * Parses and checks the statements file; a clear {@link InvalidRequestException} naming the
     * statement and what is wrong with it, for anything but DELETE/UPDATE statements using {@code :subject}.
     */
    public static ErasureStatements parse(String sql) {
        ScriptReader reader = new ScriptReader(new ByteArrayInputStream(sql.getBytes(StandardCharsets.UTF_8)));
        List<Statement> parsed = new ArrayList<>();
        try {
            for (ScriptReader.Element element = reader.next(); element != null; element = reader.next()) {
                if (element.metaCommand()) {
                    throw new InvalidRequestException("line " + element.line() + ": psql meta-commands ("
                            + element.text().split("\\s+", 2)[0] + ") are not erasure statements");
                }
                parsed.add(statement(parsed.size() + 1, element.line(), element.text()));
            }
        } catch (IOException e) {
            throw new InvalidRequestException("the erasure statements cannot be read: " + e.getMessage());
        }
        if (parsed.isEmpty()) {
            throw new InvalidRequestException("the erasure statements file holds no statement: write one or more"
                    + " DELETE or UPDATE statements using :subject (DELETE FROM users WHERE email = :subject;)");
        }
        return new ErasureStatements(parsed);
    }

    private static Statement statement(int number, int line, String text) {
        String where = "statement " + number + " (line " + line + ")";
        SqlTokens tokens = new SqlTokens(text, true);
        String first = tokens.word(0);
        if (!"DELETE".equals(first) && !"UPDATE".equals(first)) {
            throw new InvalidRequestException(where + " is " + (first == null ? "not a statement" : first)
                    + ": only DELETE and UPDATE statements erase a subject (they run inside every restore)");
        }
        StringBuilder jdbc = new StringBuilder();
        int copied = 0;
        int parameters = 0;
        for (int i = 0; tokens.get(i) != null; i++) {
            SqlTokens.Token token = tokens.get(i);
            if (token.type() == SqlTokens.Type.PARAMETER) {
                throw new InvalidRequestException(where + " uses " + tokens.text(i) + ": the only parameter is :subject");
            }
            if (token.type() == SqlTokens.Type.SYMBOL && text.charAt(token.start()) == '?') {
                throw new InvalidRequestException(where + " holds '?', which the database driver would read as a"
                        + " parameter: write the operator another way (the only parameter is :subject)");
            }
            if (!tokens.isSymbol(i, ':') || tokens.isSymbol(i + 1, ':') || (i > 0 && tokens.isSymbol(i - 1, ':')
                    && tokens.get(i - 1).end() == token.start())) {
                continue; // not a colon, or part of a :: cast
            }
            SqlTokens.Token name = tokens.get(i + 1);
            if (name == null || name.type() != SqlTokens.Type.WORD || name.start() != token.end()) {
                continue; // a colon standing alone, such as an array slice a[1:2]
            }
            if (!"subject".equals(tokens.text(i + 1))) {
                throw new InvalidRequestException(where + " uses :" + tokens.text(i + 1)
                        + ": the only parameter is :subject");
            }
            jdbc.append(text, copied, token.start()).append('?');
            copied = name.end();
            parameters++;
        }
        jdbc.append(text, copied, text.length());
        if (parameters == 0) {
            throw new InvalidRequestException(where + " does not use :subject: every erasure statement must select"
                    + " the subject's rows by it (WHERE email = :subject), or it would change other people's rows");
        }
        return new Statement(number, line, text, jdbc.toString(), parameters);
    }
}
