package dev.pgvault.cli;

import dev.pgvault.repository.BackupArtifacts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Another run holding a backup key, as a live one does: its lease document (BackupLock's format)
 * renewed several times a second, so a backup watching the lock sees it alive.
 */
final class LiveLock implements AutoCloseable {
    private final Path file;
    private final Thread heartbeat;

    LiveLock(Path repo, String backupKey, String runId, String owner) throws IOException {
        file = repo.resolve(BackupArtifacts.Sidecar.LOCK.keyFor(backupKey));
        Files.createDirectories(file.getParent());
        Instant taken = Instant.now().minusSeconds(60);
        write(runId, owner, taken, 0);
        heartbeat = Thread.ofPlatform().daemon().start(() -> {
            for (long beat = 1; !Thread.currentThread().isInterrupted(); beat++) {
                try {
                    write(runId, owner, taken, beat);
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
    }

    Path file() {
        return file;
    }

    private void write(String runId, String owner, Instant taken, long renewals) throws IOException {
        Instant now = Instant.now();
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, "{\"runId\":\"" + runId + "\",\"owner\":\"" + owner + "\",\"takenAt\":\"" + taken
                + "\",\"renewedAt\":\"" + now + "\",\"expiresAt\":\"" + now.plus(Duration.ofMinutes(1))
                + "\",\"renewals\":" + renewals + "}");
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void close() throws InterruptedException {
        heartbeat.interrupt();
        heartbeat.join();
    }
}
