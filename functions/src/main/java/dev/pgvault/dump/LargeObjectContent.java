package dev.pgvault.dump;

import dev.pgvault.archive.ContentHash;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

/** The large objects' fingerprint as a dump records it, for comparing a restored database with its manifest. */
public final class LargeObjectContent {
    private LargeObjectContent() {}

    public static ContentHash of(Connection connection) throws SQLException, IOException {
        if (!connection.getAutoCommit()) {
            return LargeObjects.contentHash(connection);
        }
        // Large-object descriptors live only as long as a transaction: read in one, then leave it.
        connection.setAutoCommit(false);
        try {
            return LargeObjects.contentHash(connection);
        } finally {
            connection.rollback();
            connection.setAutoCommit(true);
        }
    }
}
