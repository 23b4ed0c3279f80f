package dev.pgvault.errors;

/**
 * A restore script holds a statement the restore refuses to run, so it was stopped before that
 * statement reached the database and everything was rolled back: transaction control in any
 * script (it would end the one transaction that is committed only after every check), or, in a
 * script pgvault wrote, a statement pgvault never writes (roles, {@code ALTER SYSTEM},
 * {@code COPY ... PROGRAM}, server files...). The message names the kind of statement and its
 * line, never the statement's values.
 */
public class ForbiddenStatementException extends RestoreFailedException {
    private final String kind;
    private final int line;

    public ForbiddenStatementException(String kind, int line, String message) {
        super(message);
        this.kind = kind;
        this.line = line;
    }

    /** What was refused, e.g. "COMMIT AND CHAIN" or "CREATE ROLE": keywords and names, no values. */
    public String kind() {
        return kind;
    }

    /** The script line the refused statement starts on. */
    public int line() {
        return line;
    }
}
