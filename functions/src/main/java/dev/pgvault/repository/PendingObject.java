package dev.pgvault.repository;

import java.io.OutputStream;

/**
 * An object being written. Nothing is visible under its key until {@link #commit()} returns;
 * {@link #abort()} (or {@link #close()} without a commit) discards everything written, so a
 * failure upstream never leaves a partial object that looks complete.
 */
public abstract class PendingObject extends OutputStream {
    /**
     * Makes the object visible under its key and returns what was stored. Never replaces an
     * object: when another writer's object is already under the key, throws
     * {@link dev.pgvault.errors.ObjectExistsException}, discards this one and leaves that one as it was.
     */
    public abstract StoredObject commit();

    /** Discards the object; safe to call more than once and after a failed commit. */
    public abstract void abort();

    /** Closing without a commit aborts. */
    @Override
    public void close() {
        abort();
    }
}
