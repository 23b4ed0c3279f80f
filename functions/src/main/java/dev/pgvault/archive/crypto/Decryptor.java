package dev.pgvault.archive.crypto;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens stored backups of one encryption mode with the key material it holds, checking on the way
 * that the key is right and that the object is exactly what was written.
 *
 * <p>Every decryptor also opens unencrypted backups ({@link NoEncryptionParameters}) unchanged, so a
 * restore configured with a key still reads older plain backups.
 *
 * <p>Failures are named exceptions from {@code dev.pgvault.errors}, thrown from this method or from
 * the stream's {@code read}: {@link dev.pgvault.errors.WrongKeyException} (the key does not open it),
 * {@link dev.pgvault.errors.TamperedBackupException} (bytes changed),
 * {@link dev.pgvault.errors.TruncatedBackupException} (bytes missing at the end), or plain
 * {@link dev.pgvault.errors.IntegrityException} (no integrity protection at all). An
 * {@link IOException} is the store's own read failure, never a verdict on the backup.
 */
public interface Decryptor {

    /** {@code none}, {@code openssl} or {@code pgp}. */
    String mode();

    /**
     * Decrypts {@code stored} (the object as read from the store) with the parameters the manifest
     * recorded. See {@link DecryptingStream} for when integrity is known and what the caller must do.
     * Closing the returned stream closes {@code stored}.
     */
    DecryptingStream decrypt(InputStream stored, EncryptionParameters recorded) throws IOException;

    /**
     * Reads {@code stored} to its end and checks key and integrity without handing out plaintext;
     * returns normally only if the object is intact and this decryptor's key opens it. Closes {@code stored}.
     */
    default void verify(InputStream stored, EncryptionParameters recorded) throws IOException {
        try (DecryptingStream plaintext = decrypt(stored, recorded)) {
            plaintext.verifyToEnd();
        }
    }
}
