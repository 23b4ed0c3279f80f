package dev.pgvault.errors;

/**
 * A restore refused before it changed anything: its preflight found that the target cannot take
 * the restore as asked (a lock table too small for one transaction, no free connection, a
 * database name already taken, sessions still connected to a database to be swapped out...).
 * The message gives the numbers and the remedy.
 */
public class RestoreRefusedException extends InvalidRequestException {
    public RestoreRefusedException(String message) {
        super(message);
    }
}
