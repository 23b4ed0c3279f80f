package dev.pgvault.errors;

/**
 * The database reached is not the one the backup is for: no database name was configured (the
 * maintenance database would be backed up), it holds no user tables, or its identity differs
 * from the one the backup under this key records. Nothing was stored.
 */
public class WrongSourceException extends PgvaultException {
    public WrongSourceException(String message) {
        super(message);
    }
}
