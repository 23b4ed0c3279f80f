package dev.pgvault.archive.crypto;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One encryption mode with its key material, ready to encrypt any number of backups, one stream each.
 * The pipeline puts it between the compressor and the hasher:
 * <pre>
 * try (EncryptingStream encrypted = encryptor.encrypt(hashingSink);
 *      OutputStream gzip = new GZIPOutputStream(encrypted, 64 * 1024)) {
 *     dumper.writeTo(gzip);
 * }
 * manifest.encryption = encrypted.parameters();   // known once closed
 * </pre>
 * Implementations are thread-safe; each stream they return is used by one thread.
 */
public interface Encryptor {

    /** {@code none}, {@code openssl} or {@code pgp}, as recorded in {@link EncryptionParameters}. */
    String mode();

    /** What the object's key gets after {@code .sql.gz}: empty, {@code .enc} or {@code .gpg}. */
    String keySuffix();

    /**
     * Starts encrypting into {@code sink}; may write a header to it at once. Closing the returned
     * stream finishes the cipher, writes what is left, and closes {@code sink}.
     */
    EncryptingStream encrypt(OutputStream sink) throws IOException;
}
