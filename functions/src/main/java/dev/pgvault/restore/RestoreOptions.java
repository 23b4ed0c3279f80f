package dev.pgvault.restore;

/**
 * How to restore.
 *
 * @param allowNonEmpty apply on top of whatever the target holds (otherwise a non-empty target is refused)
 * @param clean         drop the target's own schemas (and recreate an empty public) first, in the same transaction
 * @param verify        compare the restored tables with the manifest before committing
 */
public record RestoreOptions(boolean allowNonEmpty, boolean clean, boolean verify) {
    public static RestoreOptions defaults() {
        return new RestoreOptions(false, false, true);
    }
}
