package dev.pgvault.dump;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens one more connection to the database being dumped, for a parallel dump's workers. */
@FunctionalInterface
public interface WorkerConnections {
    Connection open() throws SQLException;
}
