package dev.pgvault.verify;

import dev.pgvault.archive.crypto.Decryptor;
import dev.pgvault.archive.crypto.Decryptors;
import dev.pgvault.config.DatabaseTarget;
import dev.pgvault.repository.BackupCatalog;
import java.time.Instant;

/**
 * One verification to run.
 *
 * @param backup        a backup key, or {@code latest} (then {@code backupName} says whose, and older
 *                      backups are tried when the newest fails)
 * @param backupName    whose backups, for {@code latest}; may be null with a key
 * @param scratchServer the server to restore on, naming its maintenance database (scratch databases
 *                      are created beside it and dropped)
 * @param checks        the operator's checks, run on each restored backup
 * @param decryptor     opens encrypted backups ({@link Decryptors#none()} for unencrypted ones)
 * @param deadline      when the run must be over (a Lambda's), or null for none; a backup whose restore
 *                      cannot finish by then gets an integrity-only pass
 */
public record VerificationRequest(String backup, String backupName, DatabaseTarget scratchServer, UserChecks checks,
                                  Decryptor decryptor, Instant deadline) {
    public VerificationRequest {
        checks = checks == null ? UserChecks.none() : checks;
        decryptor = decryptor == null ? Decryptors.none() : decryptor;
    }

    public static VerificationRequest latest(String backupName, DatabaseTarget scratchServer) {
        return new VerificationRequest(BackupCatalog.LATEST, backupName, scratchServer, UserChecks.none(),
                Decryptors.none(), null);
    }

    public boolean latest() {
        return BackupCatalog.LATEST.equals(backup);
    }

    public VerificationRequest withChecks(UserChecks value) {
        return new VerificationRequest(backup, backupName, scratchServer, value, decryptor, deadline);
    }

    public VerificationRequest withDecryptor(Decryptor value) {
        return new VerificationRequest(backup, backupName, scratchServer, checks, value, deadline);
    }

    public VerificationRequest withDeadline(Instant value) {
        return new VerificationRequest(backup, backupName, scratchServer, checks, decryptor, value);
    }
}
