package dev.pgvault.restore;

import dev.pgvault.errors.ForbiddenStatementException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a restore script may hold, decided statement by statement before a statement reaches
 * the database.
 *
 * <p><b>Every script</b>: no transaction control. The restore is one transaction that is
 * committed only after the object's checksum and every table matched the manifest; a
 * {@code COMMIT} (or {@code END}, {@code ABORT}, {@code ROLLBACK}, {@code BEGIN},
 * {@code START TRANSACTION}, {@code SAVEPOINT}, {@code RELEASE}, {@code PREPARE TRANSACTION},
 * {@code COMMIT/ROLLBACK PREPARED}, any {@code AND [NO] CHAIN} form) in the script would end it
 * early or open another, so it is refused, never skipped or passed on. One shape is told apart:
 * {@code pg_dump} brackets the data of large objects with a bare {@code BEGIN;} ... {@code COMMIT;}
 * (pg_dump 15 does so in every plain dump that holds large objects). In a script whose header
 * says pg_dump wrote it, that bracket is accepted only when it holds nothing but pg_dump's own
 * {@code lo_open} / {@code lowrite} / {@code lo_close} calls; neither bracket statement is sent
 * (the restore's transaction already holds them); anything else inside is refused.
 *
 * <p><b>A script pgvault wrote</b> (its manifest says so, or its own header does): only the
 * statements pgvault's dump engine writes, an allowlist built from the writers in
 * {@code dev.pgvault.dump}: the header's {@code SET}s with the values pgvault writes; the
 * {@code CREATE} / {@code ALTER} / {@code COMMENT ON} of the object kinds it dumps;
 * {@code COPY name (columns) FROM stdin}; object {@code GRANT} / {@code REVOKE} (never role
 * membership), with {@code SET SESSION AUTHORIZATION} only around one such {@code GRANT}, as
 * pgvault writes a grant made by another role; {@code REFRESH MATERIALIZED VIEW}; and
 * {@code SELECT} only of {@code pg_catalog.set_config('search_path', '', false)},
 * {@code setval}, {@code lo_create}, {@code lo_open}, {@code lowrite}, {@code lo_close} with
 * the arguments pgvault writes. Everything else (roles, {@code ALTER SYSTEM}, {@code DO},
 * {@code COPY ... PROGRAM} or a server file, {@code lo_import}, databases, tablespaces,
 * subscriptions, {@code SET ROLE}, {@code LOAD}, {@code DROP}, DML...) is refused.
 *
 * <p>This is a check on the statements themselves. Code that a permitted statement runs (a
 * function called while an index is built or a materialized view refreshed) is not inspected;
 * that a backup is pgvault's own is for the manifest's signature to prove.
 */
final class StatementPolicy {
    /** What to do with a statement that is allowed. */
    enum Verdict { EXECUTE, SKIP }

    private static final Set<String> TRANSACTION_WORDS = Set.of(
            "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE");

    /** The header's settings and the only values pgvault writes for them (Dumper.header). */
    private static final Map<String, String> PGVAULT_SETTINGS = Map.ofEntries(
            Map.entry("statement_timeout", "0"),
            Map.entry("lock_timeout", "0"),
            Map.entry("idle_in_transaction_session_timeout", "0"),
            Map.entry("client_encoding", "utf8"),
            Map.entry("standard_conforming_strings", "on"),
            Map.entry("check_function_bodies", "false"),
            Map.entry("xmloption", "content"),
            Map.entry("client_min_messages", "warning"),
            Map.entry("row_security", "off"),
            Map.entry("default_tablespace", ""),
            Map.entry("default_table_access_method", "heap"));

    /** Leading words of the definitions pgvault writes (the dump package's readers). */
    private static final List<List<String>> PGVAULT_DEFINITIONS = List.of(
            List.of("CREATE", "SCHEMA"),
            List.of("CREATE", "EXTENSION"),
            List.of("CREATE", "COLLATION"),
            List.of("CREATE", "TYPE"),
            List.of("CREATE", "DOMAIN"),
            List.of("CREATE", "FUNCTION"),
            List.of("CREATE", "PROCEDURE"),
            List.of("CREATE", "OR", "REPLACE", "FUNCTION"),
            List.of("CREATE", "OR", "REPLACE", "PROCEDURE"),
            List.of("CREATE", "AGGREGATE"),
            List.of("CREATE", "SEQUENCE"),
            List.of("CREATE", "UNLOGGED", "SEQUENCE"),
            List.of("CREATE", "TABLE"),
            List.of("CREATE", "UNLOGGED", "TABLE"),
            List.of("CREATE", "VIEW"),
            List.of("CREATE", "MATERIALIZED", "VIEW"),
            List.of("CREATE", "INDEX"),
            List.of("CREATE", "UNIQUE", "INDEX"),
            List.of("CREATE", "STATISTICS"),
            List.of("CREATE", "RULE"),
            List.of("CREATE", "TRIGGER"),
            List.of("CREATE", "CONSTRAINT", "TRIGGER"),
            List.of("CREATE", "POLICY"),
            List.of("ALTER", "TABLE"),
            List.of("ALTER", "INDEX"),
            List.of("ALTER", "SEQUENCE"),
            List.of("ALTER", "VIEW"),
            List.of("ALTER", "MATERIALIZED", "VIEW"),
            List.of("ALTER", "DOMAIN"),
            List.of("ALTER", "STATISTICS"),
            List.of("ALTER", "LARGE", "OBJECT"),
            List.of("ALTER", "DEFAULT", "PRIVILEGES"),
            List.of("ALTER", "SCHEMA"),
            List.of("ALTER", "FUNCTION"),
            List.of("ALTER", "PROCEDURE"),
            List.of("ALTER", "AGGREGATE"),
            List.of("ALTER", "TYPE"),
            List.of("ALTER", "COLLATION"),
            List.of("COMMENT", "ON"),
            List.of("REFRESH", "MATERIALIZED", "VIEW"),
            // The kinds the dump writes since it refuses nothing pg_dump dumps (docs/dump-coverage.md).
            List.of("CREATE", "OPERATOR"),
            List.of("CREATE", "TEXT", "SEARCH"),
            List.of("CREATE", "CAST"),
            List.of("CREATE", "CONVERSION"),
            List.of("CREATE", "DEFAULT", "CONVERSION"),
            List.of("CREATE", "TRANSFORM"),
            List.of("CREATE", "OR", "REPLACE", "TRANSFORM"),
            List.of("CREATE", "ACCESS", "METHOD"),
            List.of("CREATE", "FOREIGN", "DATA", "WRAPPER"),
            List.of("CREATE", "SERVER"),
            List.of("CREATE", "USER", "MAPPING"),
            List.of("CREATE", "FOREIGN", "TABLE"),
            List.of("CREATE", "PUBLICATION"),
            List.of("CREATE", "SUBSCRIPTION"),
            List.of("CREATE", "EVENT", "TRIGGER"),
            List.of("CREATE", "LANGUAGE"),
            List.of("CREATE", "OR", "REPLACE", "LANGUAGE"),
            List.of("CREATE", "TRUSTED", "LANGUAGE"),
            List.of("CREATE", "OR", "REPLACE", "TRUSTED", "LANGUAGE"),
            List.of("CREATE", "PROCEDURAL", "LANGUAGE"),
            List.of("CREATE", "OR", "REPLACE", "PROCEDURAL", "LANGUAGE"),
            List.of("CREATE", "OR", "REPLACE", "TRUSTED", "PROCEDURAL", "LANGUAGE"),
            List.of("SECURITY", "LABEL"),
            List.of("ALTER", "OPERATOR"),
            List.of("ALTER", "TEXT", "SEARCH"),
            List.of("ALTER", "PUBLICATION"),
            List.of("ALTER", "SUBSCRIPTION"),
            List.of("ALTER", "EVENT", "TRIGGER"),
            List.of("ALTER", "FOREIGN", "TABLE"),
            List.of("ALTER", "FOREIGN", "DATA", "WRAPPER"),
            List.of("ALTER", "SERVER"),
            List.of("ALTER", "USER", "MAPPING"),
            List.of("ALTER", "LANGUAGE"),
            List.of("ALTER", "PROCEDURAL", "LANGUAGE"),
            List.of("ALTER", "CONVERSION"),
            List.of("ALTER", "TRIGGER"),
            List.of("ALTER", "ACCESS", "METHOD"));

    /** Words a label reads past, so it reaches the object: "ALTER TABLE ONLY public.t", "CREATE OR REPLACE FUNCTION f". */
    private static final Set<String> LABEL_MODIFIERS = Set.of(
            "ONLY", "IF", "NOT", "EXISTS", "OR", "REPLACE", "UNIQUE", "UNLOGGED", "MATERIALIZED", "CONSTRAINT");

    /** pg_dump's and pgvault's large-object writes: INV_WRITE, and descriptor 0 (one object open at a time). */
    private static final String LO_WRITE_MODE = "131072";

    private final boolean manifestSaysPgvault;
    private boolean started;
    private String producer = "unknown";
    private boolean pgvault;
    /** The line of pg_dump's open large-object BEGIN, or 0. */
    private int largeObjectBracket;
    /** Where a SET SESSION AUTHORIZATION stands: 0 none, 1 awaiting its GRANT, 2 awaiting the RESET. */
    private int authorization;
    private int authorizationLine;

    StatementPolicy(boolean manifestSaysPgvault) {
        this.manifestSaysPgvault = manifestSaysPgvault;
    }

    /** "pgvault", "pg_dump" or "unknown", as the script's header says; known once the first statement is seen. */
    String producer() {
        return producer;
    }

    /** Called once the header has been read (before the first statement); the header can only add rules. */
    void start(String producer, int line) {
        if (started) {
            return;
        }
        started = true;
        this.producer = producer;
        this.pgvault = manifestSaysPgvault || producer.equals("pgvault");
        if (manifestSaysPgvault && !producer.equals("pgvault")) {
            throw new ForbiddenStatementException("a script not written by pgvault", line, "line " + line
                    + ": the backup's manifest says pgvault wrote it, but the script does not start with pgvault's"
                    + " header (" + (producer.equals("unknown") ? "no known header" : "a " + producer + " header")
                    + "): it was replaced or altered; nothing was restored");
        }
    }

    /** Decides on one statement; throws {@link ForbiddenStatementException} if it may not run. */
    Verdict check(String sql, int line, boolean standardConformingStrings) {
        SqlTokens tokens = new SqlTokens(sql, standardConformingStrings);
        if (largeObjectBracket != 0) {
            return insideLargeObjectBracket(tokens, line);
        }
        if (isTransactionControl(tokens)) {
            if (!pgvault && producer.equals("pg_dump") && tokens.isWord(0, "BEGIN") && bare(tokens, 1)) {
                largeObjectBracket = line;
                return Verdict.SKIP;
            }
            throw transactionControl(tokens, line);
        }
        if (pgvault) {
            checkPgvault(tokens, line);
        }
        return Verdict.EXECUTE;
    }

    /** At the end of the script: nothing may be left open. */
    void finish(int line) {
        if (!started) {
            start(producer, line);
        }
        if (largeObjectBracket != 0) {
            throw new ForbiddenStatementException("BEGIN", largeObjectBracket, "line " + largeObjectBracket
                    + ": BEGIN is never followed by its COMMIT: the script's transaction control is refused"
                    + " (the restore is one transaction, committed only after every check); nothing was restored");
        }
        if (authorization != 0) {
            throw refused("SET SESSION AUTHORIZATION", authorizationLine,
                    "is not followed by one GRANT and RESET SESSION AUTHORIZATION, as pgvault writes it");
        }
    }

    // ------------------------------------------------------------------ transaction control

    private Verdict insideLargeObjectBracket(SqlTokens tokens, int line) {
        if (tokens.isWord(0, "COMMIT") && bare(tokens, 1)) {
            largeObjectBracket = 0;
            return Verdict.SKIP;
        }
        if (largeObjectCall(tokens, Set.of("lo_open", "lowrite", "lo_close"))) {
            return Verdict.EXECUTE;
        }
        String kind = label(tokens);
        if (isTransactionControl(tokens)) {
            throw transactionControl(tokens, line);
        }
        throw new ForbiddenStatementException("BEGIN", largeObjectBracket, "line " + largeObjectBracket
                + ": BEGIN opens a transaction around " + kind + " (line " + line + "), not around pg_dump's"
                + " large-object data only; a script's transaction control is refused (the restore is one"
                + " transaction, committed only after every check); nothing was restored");
    }

    private static boolean isTransactionControl(SqlTokens tokens) {
        String first = tokens.word(0);
        return first != null && (TRANSACTION_WORDS.contains(first)
                || (first.equals("PREPARE") && tokens.isWord(1, "TRANSACTION")));
    }

    private static ForbiddenStatementException transactionControl(SqlTokens tokens, int line) {
        StringBuilder kind = new StringBuilder();
        for (int i = 0; i < 5 && tokens.word(i) != null; i++) {
            kind.append(i == 0 ? "" : " ").append(tokens.word(i));
        }
        return new ForbiddenStatementException(kind.toString(), line, "line " + line + ": " + kind
                + " is refused: a restore is one transaction that pgvault commits only after the checksum and"
                + " every table were checked, and a script may not end it or open another (transaction control);"
                + " nothing was restored");
    }

    /** True if only a semicolon (or nothing) follows token {@code from}. */
    private static boolean bare(SqlTokens tokens, int from) {
        return tokens.get(from) == null || (tokens.isSymbol(from, ';') && tokens.get(from + 1) == null);
    }

    // ------------------------------------------------------------------ pgvault's own statements

    private void checkPgvault(SqlTokens tokens, int line) {
        String first = tokens.word(0);
        if (authorization == 1) {
            if (!"GRANT".equals(first) || !objectPrivilege(tokens, "TO")) {
                throw refused(label(tokens) + " under SET SESSION AUTHORIZATION", line,
                        "pgvault sets a session authorization only for the one GRANT that follows it");
            }
            authorization = 2;
            return;
        }
        if (authorization == 2) {
            if (!"RESET".equals(first) || !tokens.isWord(1, "SESSION") || !tokens.isWord(2, "AUTHORIZATION")
                    || !bare(tokens, 3)) {
                throw refused(label(tokens) + " under SET SESSION AUTHORIZATION", line,
                        "pgvault resets the session authorization right after the GRANT it was set for");
            }
            authorization = 0;
            return;
        }
        if (first == null) {
            if (tokens.get(0) == null || bare(tokens, 0)) {
                return; // an empty statement
            }
            throw refused(label(tokens), line, null);
        }
        switch (first) {
            case "SET" -> set(tokens, line);
            case "SELECT" -> {
                if (!pgvaultSelect(tokens)) {
                    throw refused(label(tokens), line, "pgvault's only SELECTs set the search path, a sequence's"
                            + " value, or create and write large objects");
                }
            }
            case "COPY" -> {
                if (!copyFromStdin(tokens)) {
                    throw refused(copyLabel(tokens), line, "pgvault writes only COPY table (columns) FROM stdin");
                }
            }
            case "GRANT" -> {
                if (!objectPrivilege(tokens, "TO")) {
                    throw refused("GRANT of a role (membership)", line, "pgvault grants privileges on objects only");
                }
            }
            case "REVOKE" -> {
                if (!objectPrivilege(tokens, "FROM")) {
                    throw refused("REVOKE of a role (membership)", line, "pgvault revokes privileges on objects only");
                }
            }
            case "DROP" -> dropStandIn(tokens, line);
            default -> definition(tokens, line);
        }
    }

    private void definition(SqlTokens tokens, int line) {
        for (List<String> kind : PGVAULT_DEFINITIONS) {
            if (startsWith(tokens, kind)) {
                if (kind.equals(List.of("CREATE", "SCHEMA"))
                        && !(name(tokens, 2) && bare(tokens, 3))) {
                    throw refused("CREATE SCHEMA with more than a name", line, "pgvault writes CREATE SCHEMA name");
                }
                if (kind.equals(List.of("CREATE", "SUBSCRIPTION")) && !connectFalse(tokens)) {
                    throw refused("CREATE SUBSCRIPTION that connects", line,
                            "pgvault writes subscriptions WITH (connect = false), as pg_dump does");
                }
                if (kind.get(kind.size() - 1).equals("TABLE") && kind.get(0).equals("CREATE")) {
                    int next = qualifiedName(tokens, kind.size());
                    if (next >= 0 && tokens.isWord(next, "OF")) {
                        return; // a typed table: CREATE TABLE name OF type [(column options)]
                    }
                    if (next < 0 || !tokens.isSymbol(next, '(')) {
                        throw refused(String.join(" ", kind) + " other than with a column list", line,
                                "pgvault writes CREATE TABLE name (columns) or name OF type, never AS or PARTITION OF");
                    }
                }
                return;
            }
        }
        throw refused(label(tokens), line, null);
    }

    /**
     * The one DROP pgvault writes: {@code DROP TABLE schema.pgvault_inherit_<oid>}, the stand-in
     * parent it creates for a table whose columns are all inherited, once the table exists.
     */
    private void dropStandIn(SqlTokens tokens, int line) {
        int end = tokens.isWord(1, "TABLE") ? qualifiedName(tokens, 2) : -1;
        String last = end < 0 ? null : tokens.text(end - 1).replace("\"", "");
        if (last == null || !last.matches("pgvault_inherit_[0-9]+") || !bare(tokens, end)) {
            throw refused(label(tokens), line, null);
        }
    }

    /** Whether the statement says {@code connect = false} (a subscription that does not connect on restore). */
    private static boolean connectFalse(SqlTokens tokens) {
        for (int i = 0; i + 2 < tokens.size(); i++) {
            if (tokens.isWord(i, "CONNECT") && tokens.isSymbol(i + 1, '=')
                    && (tokens.isWord(i + 2, "FALSE") || "false".equalsIgnoreCase(tokens.plainString(i + 2)))) {
                return true;
            }
        }
        return false;
    }

    private void set(SqlTokens tokens, int line) {
        if (tokens.isWord(1, "SESSION") && tokens.isWord(2, "AUTHORIZATION")) {
            if (!(name(tokens, 3) && !tokens.isWord(3, "DEFAULT") && bare(tokens, 4))) {
                throw refused("SET SESSION AUTHORIZATION", line, "pgvault names one role there");
            }
            authorization = 1;
            authorizationLine = line;
            return;
        }
        String name = tokens.word(1);
        String value = null;
        if (name != null && (tokens.isSymbol(2, '=') || tokens.isWord(2, "TO")) && bare(tokens, 4)) {
            SqlTokens.Token token = tokens.get(3);
            if (token != null) {
                value = switch (token.type()) {
                    case STRING -> tokens.plainString(3);
                    case WORD, NUMBER -> tokens.text(3);
                    default -> null;
                };
            }
        }
        String setting = name == null ? null : name.toLowerCase(Locale.ROOT);
        if ("default_tablespace".equals(setting) && (tokens.isSymbol(2, '=') || tokens.isWord(2, "TO"))
                && (name(tokens, 3) || tokens.isPlainString(3)) && bare(tokens, 4)) {
            return; // a relation in a non-default tablespace is created under it, then '' again
        }
        String expected = setting == null ? null : PGVAULT_SETTINGS.get(setting);
        if (expected == null || value == null || !expected.equals(value.toLowerCase(Locale.ROOT))) {
            String kind = name == null ? "SET" : "SET " + name.toUpperCase(Locale.ROOT);
            throw refused(kind, line, expected == null ? "pgvault sets only the settings its header lists"
                    : "pgvault sets " + setting + " to " + (expected.isEmpty() ? "''" : expected) + " only");
        }
    }

    /** SELECT pg_catalog.fn(args); with exactly the functions and argument shapes pgvault writes. */
    private static boolean pgvaultSelect(SqlTokens tokens) {
        if (largeObjectCall(tokens, Set.of("lo_create", "lo_open", "lowrite", "lo_close", "lo_put"))) {
            return true;
        }
        String function = catalogFunction(tokens);
        if ("set_config".equals(function)) {
            return "search_path".equals(tokens.plainString(5)) && tokens.isSymbol(6, ',')
                    && "".equals(tokens.plainString(7)) && tokens.isSymbol(8, ',')
                    && tokens.isWord(9, "FALSE") && end(tokens, 10);
        }
        if ("setval".equals(function)) {
            int i = 5;
            if (!tokens.is(i++, SqlTokens.Type.STRING) || !tokens.isSymbol(i++, ',')) {
                return false;
            }
            if (tokens.isSymbol(i, '-')) {
                i++;
            }
            return integer(tokens, i++) && tokens.isSymbol(i++, ',')
                    && (tokens.isWord(i, "TRUE") || tokens.isWord(i, "FALSE")) && end(tokens, i + 1);
        }
        return false;
    }

    /** SELECT pg_catalog.lo_create('oid') / lo_open('oid', 131072) / lowrite(0, '...') / lo_close(0). */
    private static boolean largeObjectCall(SqlTokens tokens, Set<String> allowed) {
        String function = catalogFunction(tokens);
        if (function == null || !allowed.contains(function)) {
            return false;
        }
        return switch (function) {
            case "lo_create" -> digits(tokens.plainString(5)) && end(tokens, 6);
            case "lo_open" -> digits(tokens.plainString(5)) && tokens.isSymbol(6, ',')
                    && tokens.is(7, SqlTokens.Type.NUMBER) && LO_WRITE_MODE.equals(tokens.text(7)) && end(tokens, 8);
            case "lowrite" -> tokens.is(5, SqlTokens.Type.NUMBER) && "0".equals(tokens.text(5))
                    && tokens.isSymbol(6, ',') && tokens.isPlainString(7) && end(tokens, 8);
            case "lo_close" -> tokens.is(5, SqlTokens.Type.NUMBER) && "0".equals(tokens.text(5)) && end(tokens, 6);
            // SELECT pg_catalog.lo_put('oid', offset, '\x...'): how pgvault writes large objects' content
            case "lo_put" -> digits(tokens.plainString(5)) && tokens.isSymbol(6, ',')
                    && tokens.is(7, SqlTokens.Type.NUMBER) && tokens.isSymbol(8, ',') && tokens.isPlainString(9)
                    && end(tokens, 10);
            default -> false;
        };
    }

    /** For "SELECT pg_catalog . name (" the lower-cased name; else null. */
    private static String catalogFunction(SqlTokens tokens) {
        if (tokens.isWord(0, "SELECT") && tokens.isWord(1, "PG_CATALOG") && tokens.isSymbol(2, '.')
                && tokens.word(3) != null && tokens.isSymbol(4, '(')) {
            return tokens.word(3).toLowerCase(Locale.ROOT);
        }
        return null;
    }

    /** ")" then an optional ";" and nothing more, from token i. */
    private static boolean end(SqlTokens tokens, int i) {
        return tokens.isSymbol(i, ')') && bare(tokens, i + 1);
    }

    /** COPY name [(column, ...)] FROM stdin [;] and nothing else. */
    private static boolean copyFromStdin(SqlTokens tokens) {
        int i = qualifiedName(tokens, 1);
        if (i < 0) {
            return false;
        }
        if (tokens.isSymbol(i, '(')) {
            i++;
            while (true) {
                if (!name(tokens, i++)) {
                    return false;
                }
                if (tokens.isSymbol(i, ')')) {
                    i++;
                    break;
                }
                if (!tokens.isSymbol(i++, ',')) {
                    return false;
                }
            }
        }
        return tokens.isWord(i, "FROM") && tokens.isWord(i + 1, "STDIN") && bare(tokens, i + 2);
    }

    private static String copyLabel(SqlTokens tokens) {
        int depth = 0;
        for (int i = 1; tokens.get(i) != null; i++) {
            if (tokens.isSymbol(i, '(')) {
                depth++;
            } else if (tokens.isSymbol(i, ')')) {
                depth--;
            } else if (depth == 0 && tokens.isWord(i, "PROGRAM")) {
                return "COPY ... PROGRAM";
            } else if (depth == 0 && tokens.isWord(i, "TO")) {
                return "COPY ... TO";
            } else if (depth == 0 && tokens.isWord(i, "FROM")) {
                if (tokens.isWord(i + 1, "PROGRAM")) {
                    return "COPY ... FROM PROGRAM";
                }
                return tokens.is(i + 1, SqlTokens.Type.STRING) ? "COPY ... FROM a server file" : "COPY ... FROM";
            }
        }
        return "COPY";
    }

    /**
     * GRANT/REVOKE on objects: an ON at the top level before the TO (FROM) that names the
     * grantees. A role membership grant (GRANT role TO user) has none.
     */
    private static boolean objectPrivilege(SqlTokens tokens, String grantees) {
        int depth = 0;
        for (int i = 1; tokens.get(i) != null; i++) {
            if (tokens.isSymbol(i, '(')) {
                depth++;
            } else if (tokens.isSymbol(i, ')')) {
                depth--;
            } else if (depth == 0 && tokens.isWord(i, "ON")) {
                return true;
            } else if (depth == 0 && tokens.isWord(i, grantees)) {
                return false;
            }
        }
        return false;
    }

    /** After name [. name [. name]] starting at i: the next index, or -1 if there is no name. */
    private static int qualifiedName(SqlTokens tokens, int i) {
        if (!name(tokens, i)) {
            return -1;
        }
        i++;
        while (tokens.isSymbol(i, '.') && name(tokens, i + 1)) {
            i += 2;
        }
        return i;
    }

    private static boolean name(SqlTokens tokens, int i) {
        return tokens.is(i, SqlTokens.Type.WORD) || tokens.is(i, SqlTokens.Type.QUOTED_IDENTIFIER);
    }

    private static boolean integer(SqlTokens tokens, int i) {
        return tokens.is(i, SqlTokens.Type.NUMBER) && digits(tokens.text(i));
    }

    private static boolean digits(String text) {
        return text != null && !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static boolean startsWith(SqlTokens tokens, List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            if (!tokens.isWord(i, words.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * A statement's kind for a message: its first three words or names, up to the first constant
     * or parenthesis (so never a value), e.g. "CREATE ROLE evil", "ALTER SYSTEM SET",
     * "SELECT pg_catalog.lo_import(...)", "DO".
     */
    static String label(SqlTokens tokens) {
        StringBuilder text = new StringBuilder();
        int words = 0;
        for (int i = 0; words < 3; i++) {
            SqlTokens.Token token = tokens.get(i);
            if (token == null) {
                break;
            }
            if (token.type() == SqlTokens.Type.WORD || token.type() == SqlTokens.Type.QUOTED_IDENTIFIER) {
                if (text.length() > 0 && text.charAt(text.length() - 1) != '.') {
                    text.append(' ');
                }
                text.append(words == 0 ? tokens.text(i).toUpperCase(Locale.ROOT) : tokens.text(i));
                boolean modifier = token.type() == SqlTokens.Type.WORD
                        && LABEL_MODIFIERS.contains(tokens.text(i).toUpperCase(Locale.ROOT));
                if (!tokens.isSymbol(i + 1, '.') && !modifier) {
                    words++;
                }
            } else if (tokens.isSymbol(i, '.') && text.length() > 0) {
                text.append('.');
            } else if (tokens.isSymbol(i, '(') && text.length() > 0) {
                text.append("(...)");
                break;
            } else {
                break;
            }
        }
        return text.length() == 0 ? "a statement" : text.toString();
    }

    private ForbiddenStatementException refused(String kind, int line, String why) {
        return new ForbiddenStatementException(kind, line, "line " + line + ": " + kind + " is refused: "
                + (manifestSaysPgvault ? "this is a pgvault backup (its manifest says so)"
                : "the script says pgvault wrote it (its header)")
                + ", and " + (why != null ? why : "pgvault never writes " + kind)
                + "; the script was altered or was not written by pgvault; nothing was restored");
    }
}
