package dev.pgvault.dump;

/** What a long dump tells an operator watching a terminal. Called on the dumping thread. */
public interface DumpProgress {
    /** A table's data starts; {@code index} counts from 1. */
    default void tableStarted(String table, int index, int total) {}

    /** Rows and bytes of the current table so far. */
    default void tableRows(String table, long rows, long bytes) {}

    DumpProgress NONE = new DumpProgress() {};
}
