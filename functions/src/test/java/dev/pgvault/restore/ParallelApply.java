package dev.pgvault.restore;

import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** For tests of other packages: a script applied as a parallel restore into a new database applies it. */
public final class ParallelApply {
    private ParallelApply() {}

    /** Opens a connection to the database being restored. */
    @FunctionalInterface
    public interface Connector {
        Connection connect() throws SQLException;
    }

    /**
     * Applies {@code script} with {@code jobs} connections beside the reader's, table data cut
     * into chunks of {@code chunkBytes}, committing every {@code commitEvery} statements.
     */
    public static ScriptApplier.Outcome apply(InputStream script, Connector connector, ScriptApplier.Origin origin,
                                              int jobs, int chunkBytes, int commitEvery,
                                              ScriptApplier.Progress progress) throws SQLException {
        return apply(script, connector, origin, jobs, chunkBytes, commitEvery, progress, table -> null);
    }

    /** As above, with {@code afterLoad}'s work for each loaded table run in the background (null: none). */
    static ScriptApplier.Outcome apply(InputStream script, Connector connector, ScriptApplier.Origin origin,
                                       int jobs, int chunkBytes, int commitEvery, ScriptApplier.Progress progress,
                                       java.util.function.Function<String, LoadPool.Work> afterLoad)
            throws SQLException {
        List<Connection> workers = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            workers.add(connector.connect());
        }
        try (Connection main = connector.connect(); LoadPool pool = new LoadPool(workers, chunkBytes)) {
            pool.afterLoad(load -> afterLoad.apply(load.table));
            main.setAutoCommit(false);
            ScriptApplier.Outcome outcome = ScriptApplier.apply(script, main, progress, origin, false, commitEvery,
                    pool);
            main.commit();
            return outcome;
        }
    }
}
