package dev.pgvault.restore;

/**
 * How to restore.
 *
 * @param allowNonEmpty apply on top of whatever the target holds (otherwise a non-empty target is refused)
 * @param clean         drop the target's own schemas (and recreate an empty public) first, in the same transaction
 * @param verify        compare the restored tables with the manifest before committing
 * @param showRowData   keep the row values PostgreSQL puts in an error's DETAIL and CONTEXT (and a data
 *                      error's message) in restore failures; off by default, as they are personal data
 *                      (the CLI's {@code --debug})
 */
public record RestoreOptions(boolean allowNonEmpty, boolean clean, boolean verify, boolean showRowData) {
    /** Without row values in error messages. */
    public RestoreOptions(boolean allowNonEmpty, boolean clean, boolean verify) {
        this(allowNonEmpty, clean, verify, false);
    }

    public static RestoreOptions defaults() {
        return new RestoreOptions(false, false, true, false);
    }

    public RestoreOptions withShowRowData(boolean show) {
        return new RestoreOptions(allowNonEmpty, clean, verify, show);
    }
}
