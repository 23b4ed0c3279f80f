package dev.pgvault.retention;

import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.DirectoryStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** A local repository: no tags or classes, deletes are final. */
class DirectoryTieringTest extends TieringContract {
    @TempDir
    Path dir;

    @Override
    BackupStore store() {
        return new DirectoryStore(dir);
    }

    @Override
    boolean hasTags() {
        return false;
    }
}
