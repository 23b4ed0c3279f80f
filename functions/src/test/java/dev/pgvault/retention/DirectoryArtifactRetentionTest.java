package dev.pgvault.retention;

import dev.pgvault.repository.BackupStore;
import dev.pgvault.repository.DirectoryStore;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Config and code retention on a local repository: deletes are final. */
class DirectoryArtifactRetentionTest extends ArtifactRetentionContract {
    @TempDir
    Path dir;

    @Override
    BackupStore store() {
        return new DirectoryStore(dir);
    }
}
